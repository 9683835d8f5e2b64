package nl.schakel.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import nl.schakel.model.acknowledgement.Acknowledgement;
import nl.schakel.model.dossier.TransferDossier;
import nl.schakel.model.followup.FollowUpReport;
import nl.schakel.model.receipt.Receipt;
import nl.schakel.validation.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON written from the DOM is byte for byte what Jackson writes for the JAXB model of the same document. */
class DomJsonTest {
    private static final Map<String, Class<?>> MODELS = Map.of("transferDossier", TransferDossier.class,
            "acknowledgement", Acknowledgement.class, "followUpReport", FollowUpReport.class, "receipt", Receipt.class);
    private final ObjectMapper mapper = Json.mapper(20 << 20, 100);
    private final DomJson domJson = new DomJson(mapper);

    static Stream<Path> examples() throws Exception {
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("schemas/examples")), Files.list(Path.of("schemas/examples/answers")))) {
            return files.filter(p -> p.toString().endsWith(".xml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void every_valid_example_gives_the_same_json_as_the_jaxb_model(Path example) throws Exception {
        String xml = Files.readString(example);

        assertSameJson(xml);
    }

    @Test
    void values_jaxb_reads_loosely_give_the_same_json_as_the_jaxb_model() throws Exception {
        String xml = Files.readString(Path.of("schemas/examples/isk-to-mbo.xml"));
        String loose = xml
                // a number with a sign, whitespace and a leading zero, a boolean as 1
                .replace("<yearsOfSchoolingBeforeArrival>6</yearsOfSchoolingBeforeArrival>",
                        "<yearsOfSchoolingBeforeArrival> +06 </yearsOfSchoolingBeforeArrival>")
                .replace("<midYear>true</midYear>", "<midYear>1</midYear>")
                // a date with a time zone, a date-time in UTC, an empty text element
                .replace("<plannedStart>2027-02-01</plannedStart>", "<plannedStart>2027-02-01Z</plannedStart>")
                .replace("<created>2026-11-20T10:15:00+01:00</created>", "<created>2026-11-20T09:15:00.500Z</created>")
                .replace("<c:name>ISK De Waalbrug (demo)</c:name>", "<c:name></c:name>");
        assertThat(loose).contains("+06", "<midYear>1", "2027-02-01Z", "<c:name></c:name>");

        assertSameJson(loose);
    }

    @Test
    void an_enumeration_value_with_whitespace_around_it_is_written_as_the_schema_reads_it() throws Exception {
        // the schema collapses whitespace in these codes and accepts the document; JAXB looks the value
        // up as written, finds no constant and leaves the field out of the JSON: the DOM writer keeps it
        String xml = Files.readString(Path.of("schemas/examples/isk-to-mbo.xml")).replace("<c:kind>ISK</c:kind>", "<c:kind>  ISK\n </c:kind>");
        Document document = parse(xml);

        String json = new String(domJson.write(document.getDocumentElement(), TransferDossier.class), StandardCharsets.UTF_8);

        assertThat(json).contains("\"sender\" : {\n      \"code\" : \"30AA00\",\n      \"kind\" : \"ISK\"");
        assertThat(jaxbJson(document, TransferDossier.class)).doesNotContain("\"kind\" : \"ISK\"");
    }

    @Test
    void a_dossier_with_attachments_gives_the_same_json_as_the_jaxb_model() throws Exception {
        byte[] filler = new byte[6000];
        new java.util.Random(7).nextBytes(filler);
        // base64 as a school's system may wrap it: in lines of 76 characters
        String content = java.util.Base64.getMimeEncoder().encodeToString(filler);
        String xml = Files.readString(Path.of("schemas/examples/isk-to-mbo.xml")).replace("</transferDossier>",
                "<attachments><attachment><title>Bijlage (demo)</title><mediaType>text/plain</mediaType><content>" + content
                        + "</content></attachment><attachment><title>Leeg (demo)</title><mediaType>application/pdf</mediaType>"
                        + "<content></content></attachment></attachments></transferDossier>");
        assertThat(content).contains("\r\n");

        assertSameJson(xml);
    }

    @Test
    void a_document_without_its_optional_parts_gives_the_same_json_as_the_jaxb_model() throws Exception {
        String xml = Files.readString(Path.of("schemas/examples/isk-to-mbo.xml"));
        String bare = xml.replaceAll("(?s)<supportNeeds>.*</supportNeeds>", "").replaceAll("(?s)<learningLines>.*</learningLines>", "");
        assertThat(bare).doesNotContain("supportNeeds", "learningLines");

        assertSameJson(bare);
    }

    @Test
    void every_model_of_the_catalogue_is_written_from_the_dom() {
        assertThat(MODELS.values()).allMatch(domJson::supports);
    }

    @Test
    void a_model_with_a_part_it_cannot_write_is_refused_every_time_and_left_to_jaxb() {
        assertThat(domJson.supports(Outer.class)).isFalse();
        assertThat(domJson.supports(Outer.class)).isFalse();
        assertThat(domJson.supports(Inner.class)).isFalse();
    }

    @jakarta.xml.bind.annotation.XmlRootElement(name = "outer")
    @jakarta.xml.bind.annotation.XmlAccessorType(jakarta.xml.bind.annotation.XmlAccessType.FIELD)
    @jakarta.xml.bind.annotation.XmlType(propOrder = {"inner"})
    static class Outer {
        @jakarta.xml.bind.annotation.XmlElement(required = true)
        Inner inner;
    }

    /** A type the DOM writer has no rule for: the whole model falls back to JAXB. */
    @jakarta.xml.bind.annotation.XmlAccessorType(jakarta.xml.bind.annotation.XmlAccessType.FIELD)
    @jakarta.xml.bind.annotation.XmlType(propOrder = {"id"})
    static class Inner {
        @jakarta.xml.bind.annotation.XmlElement(required = true)
        java.util.UUID id;
    }

    private void assertSameJson(String xml) throws Exception {
        Document document = parse(xml);
        Class<?> model = MODELS.get(document.getDocumentElement().getLocalName());
        String expected = jaxbJson(document, model);

        String actual = new String(domJson.write(document.getDocumentElement(), model), StandardCharsets.UTF_8);

        assertThat(actual).isEqualTo(expected);
    }

    private String jaxbJson(Document document, Class<?> model) throws Exception {
        Object unmarshalled = JAXBContext.newInstance(model).createUnmarshaller().unmarshal(document);
        Object value = unmarshalled instanceof JAXBElement<?> e ? e.getValue() : unmarshalled;
        return mapper.writer().with(SerializationFeature.WRAP_ROOT_VALUE).writeValueAsString(value);
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
