package nl.schakel.validation;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingFieldsTest {
    private static final String DOSSIER_NS = "urn:schakel:transfer-dossier:1";

    @Test
    void reads_every_routing_field_of_a_dossier() throws Exception {
        Map<String, String> fields = read(Files.readString(Path.of("schemas/examples/isk-to-mbo.xml")));

        assertThat(fields).containsEntry("messageId", "ISK30AA-2026-0002").containsEntry("sender", "30AA00")
                .containsEntry("senderKind", "ISK").containsEntry("receiver", "30AC00").containsEntry("receiverKind", "MBO")
                .containsEntry("transitionKind", "ISK_TO_MBO");
    }

    @Test
    void a_field_the_document_holds_twice_is_read_from_its_first_occurrence_as_in_xpath_1() throws Exception {
        String xml = Files.readString(Path.of("schemas/examples/isk-to-mbo.xml"));
        String twice = xml.replaceFirst("(<messageId>[^<]*</messageId>)", "$1<messageId>SECOND-ID</messageId>");
        assertThat(twice).contains("SECOND-ID");
        DocumentType dossier = dossierType();
        // a field made of two paths, as the OSO sender (BRIN code + location number): XPath 2.0 refuses concat() of two nodes
        DocumentType joined = new DocumentType(dossier.id(), dossier.messageType(), dossier.root(), dossier.schema(), dossier.rules(),
                dossier.namespaces(), Map.of("messageId", "concat(/d:transferDossier/d:messageId, '-', /d:transferDossier/d:sender/c:code)"),
                dossier.model(), dossier.standard(), dossier.mapping(), dossier.receiverFromChannel(), dossier.messageIdFromContent());

        assertThat(read(dossier, twice)).containsEntry("messageId", "ISK30AA-2026-0002");
        assertThat(read(joined, twice)).containsEntry("messageId", "ISK30AA-2026-0002-30AA00");
    }

    private static DocumentType dossierType() throws Exception {
        return DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL())
                .byRoot(new QName(DOSSIER_NS, "transferDossier")).orElseThrow();
    }

    private static Map<String, String> read(String xml) throws Exception {
        return read(dossierType(), xml);
    }

    private static Map<String, String> read(DocumentType type, String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Map<String, String> fields = new LinkedHashMap<>();
        assertThat(new RoutingFields().read(type, document, fields)).isEmpty();
        return fields;
    }
}
