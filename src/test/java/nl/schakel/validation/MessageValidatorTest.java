package nl.schakel.validation;

import nl.schakel.directory.Directory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MessageValidatorTest {
    static final Path EXAMPLES = Path.of("schemas/examples");
    static MessageValidator validator;

    @BeforeAll
    static void load() throws IOException {
        DocumentCatalogue catalogue = DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL());
        Directory directory;
        try (InputStream in = MessageValidatorTest.class.getResourceAsStream("/demo-directory.yaml")) {
            directory = Directory.read(in, "demo-directory.yaml");
        }
        validator = new MessageValidator(catalogue, directory, 20 * 1024 * 1024, 100);
    }

    static Stream<Path> validExamples() throws IOException {
        return Files.list(EXAMPLES).filter(Files::isRegularFile).sorted();
    }

    static Stream<Path> invalidExamples() throws IOException {
        return Files.list(EXAMPLES.resolve("invalid")).sorted();
    }

    /** The expected code is the file name up to "--" or the extension. */
    static String expectedCode(Path file) {
        String name = file.getFileName().toString();
        name = name.substring(0, name.lastIndexOf('.'));
        int variant = name.indexOf("--");
        return variant < 0 ? name : name.substring(0, variant);
    }

    static String sender(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        int at = text.indexOf("<c:code>");
        return at < 0 ? "30AA00" : text.substring(at + 8, at + 14);
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void accepts_every_valid_example(Path file) throws IOException {
        Verdict verdict = validator.validate(Files.readAllBytes(file), sender(file));
        assertThat(verdict.errors()).as(file.toString()).isEmpty();
        assertThat(verdict.type().id()).isEqualTo("transfer-dossier-v1");
        assertThat(verdict.field("messageId")).isNotBlank();
        assertThat(verdict.xml()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void rejects_every_invalid_example_with_the_code_its_name_gives(Path file) throws IOException {
        // invalid examples are all dropped by the ISK 30AA00, the sender of isk-to-vo.xml
        Verdict verdict = validator.validate(Files.readAllBytes(file), "30AA00");
        List<String> codes = verdict.errors().stream().map(ValidationError::code).toList();
        assertThat(verdict.accepted()).isFalse();
        assertThat(codes).as(file + " gave " + verdict.errors()).contains(expectedCode(file));
    }

    @Test
    void a_file_over_the_size_limit_is_rejected_before_it_is_read_whole() throws IOException {
        MessageValidator small = smallLimit(1024);
        Verdict verdict = small.validate(new java.io.ByteArrayInputStream(new byte[4096]), "30AA00");
        assertThat(verdict.errors()).extracting(ValidationError::code).containsExactly("PARSE-TOO-LARGE");
    }

    @Test
    void schema_errors_carry_line_column_and_path_but_not_the_value() throws IOException {
        Verdict verdict = validator.validate(Files.readAllBytes(EXAMPLES.resolve("invalid/XSD-cvc-datatype-valid.1.2.1--birth-date.xml")), "30AA00");
        ValidationError error = verdict.errors().get(0);
        assertThat(error.line()).isPositive();
        assertThat(error.column()).isPositive();
        assertThat(error.path()).isEqualTo("/transferDossier/pupil/birthDate");
        assertThat(verdict.errors()).allSatisfy(e -> assertThat(e.message()).doesNotContain("2012-13-45"));
    }

    @Test
    void json_of_the_same_model_is_validated_like_xml() throws Exception {
        byte[] xml = Files.readAllBytes(EXAMPLES.resolve("nt2-to-po.xml"));
        String json = Json.mapper(1 << 20, 100).writer().with(com.fasterxml.jackson.databind.SerializationFeature.WRAP_ROOT_VALUE)
                .writeValueAsString(jakarta.xml.bind.JAXBContext.newInstance(nl.schakel.model.dossier.TransferDossier.class)
                        .createUnmarshaller().unmarshal(new java.io.ByteArrayInputStream(xml)));
        Verdict ok = validator.validate(json.getBytes(StandardCharsets.UTF_8), "32AA00");
        assertThat(ok.errors()).isEmpty();
        Verdict tooOld = validator.validate(json.replace("2018-03-21", "2011-03-21").getBytes(StandardCharsets.UTF_8), "32AA00");
        assertThat(tooOld.errors()).extracting(ValidationError::code).contains("RULE-AGE-PRIMARY");
    }

    private static MessageValidator smallLimit(int bytes) throws IOException {
        DocumentCatalogue catalogue = DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL());
        try (InputStream in = MessageValidatorTest.class.getResourceAsStream("/demo-directory.yaml")) {
            return new MessageValidator(catalogue, Directory.read(in, "demo"), bytes, 100);
        }
    }
}
