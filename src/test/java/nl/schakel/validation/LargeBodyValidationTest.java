package nl.schakel.validation;

import nl.schakel.directory.Directory;
import nl.schakel.testdata.LargeDossiers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies over the spool threshold: validated from a file, with the attachment kept out of the DOM. */
class LargeBodyValidationTest {
    @TempDir
    Path spoolDir;
    MessageValidator validator;

    @BeforeEach
    void load() throws IOException {
        DocumentCatalogue catalogue = DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL());
        Directory directory;
        try (InputStream in = getClass().getResourceAsStream("/demo-directory.yaml")) {
            directory = Directory.read(in, "demo-directory.yaml");
        }
        validator = new MessageValidator(catalogue, directory, DeliveredTransfers.NONE, 20 * 1024 * 1024, 100,
                new Spool(spoolDir, 256 * 1024, 1));
    }

    @Test
    void a_body_over_the_threshold_is_spooled_byte_for_byte_and_its_attachment_left_out_of_the_dom() throws IOException {
        byte[] dossier = LargeDossiers.dossier("30AA00", "30AB00", "BIG-1", 1024 * 1024);
        Verdict verdict = validator.validate(new ByteArrayInputStream(dossier), "30AA00");

        assertThat(verdict.errors()).isEmpty();
        assertThat(verdict.xml()).isNull();
        assertThat(verdict.large()).isNotNull();
        assertThat(Files.readAllBytes(verdict.large().file())).isEqualTo(dossier);
        assertThat(verdict.sha256()).isEqualTo(MessageValidator.sha256(dossier));
        assertThat(verdict.large().elided()).hasSize(1);
        Element content = (Element) verdict.document().getElementsByTagNameNS("*", "content").item(0);
        assertThat(content.getTextContent()).isEqualTo(verdict.large().elided().get(0).token());
        assertThat(verdict.field("messageId")).isEqualTo("BIG-1");
    }

    @Test
    void a_body_under_the_threshold_stays_in_memory() throws IOException {
        byte[] dossier = LargeDossiers.dossier("30AA00", "30AB00", "SMALL-1", 1024);
        Verdict verdict = validator.validate(new ByteArrayInputStream(dossier), "30AA00");

        assertThat(verdict.errors()).isEmpty();
        assertThat(verdict.large()).isNull();
        assertThat(verdict.xml()).isEqualTo(dossier);
        assertThat(spoolDir).isEmptyDirectory();
    }

    @Test
    void the_schema_still_checks_the_content_it_leaves_out_of_the_dom() throws IOException {
        // 400 KB of characters that are not base64
        byte[] dossier = LargeDossiers.dossier("30AA00", "30AB00", "BIG-2", "*".repeat(400 * 1024));
        Verdict verdict = validator.validate(new ByteArrayInputStream(dossier), "30AA00");

        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.errors()).extracting(ValidationError::code).anyMatch(code -> code.startsWith("XSD-"));
        assertThat(verdict.errors()).extracting(ValidationError::path).contains("/transferDossier/attachments/attachment/content");
    }

    @Test
    void a_large_json_body_is_validated_in_memory_and_its_spool_file_deleted() throws Exception {
        byte[] xml = LargeDossiers.dossier("30AA00", "30AB00", "BIG-J-1", 1024 * 1024);
        Object model = jakarta.xml.bind.JAXBContext.newInstance(nl.schakel.model.dossier.TransferDossier.class).createUnmarshaller()
                .unmarshal(new javax.xml.transform.stream.StreamSource(new ByteArrayInputStream(xml)));
        byte[] json = Json.mapper(20 * 1024 * 1024, 100).writer().with(com.fasterxml.jackson.databind.SerializationFeature.WRAP_ROOT_VALUE)
                .writeValueAsBytes(model instanceof jakarta.xml.bind.JAXBElement<?> e ? e.getValue() : model);
        assertThat(json.length).isGreaterThan(256 * 1024);

        java.util.List<byte[]> kept = new java.util.ArrayList<>();
        Verdict verdict = validator.validate(new ByteArrayInputStream(json), "30AA00", kept::add);

        assertThat(verdict.errors()).isEmpty();
        assertThat(verdict.large()).isNull();
        assertThat(verdict.field("messageId")).isEqualTo("BIG-J-1");
        assertThat(kept).as("bytes are kept for the quarantine only when rejected").isEmpty();
        assertThat(spoolDir).isEmptyDirectory();
    }

    @Test
    void a_spool_left_by_an_earlier_run_is_emptied_at_start() throws IOException {
        Files.createDirectories(spoolDir.resolve("camel/camel-tmp-1"));
        Files.write(spoolDir.resolve("camel/camel-tmp-1/cos1.tmp"), new byte[10]);
        Files.write(spoolDir.resolve("a.body"), new byte[10]);

        assertThat(new Spool(spoolDir, 1024, 1).clean()).isEqualTo(2);
        assertThat(spoolDir).isEmptyDirectory();
    }

    @Test
    void a_spool_folder_that_is_a_link_to_another_disk_is_emptied_too(@TempDir Path elsewhere) throws IOException {
        Files.write(elsewhere.resolve("a.body"), new byte[10]);
        Path link = Files.createSymbolicLink(spoolDir.resolve("spool"), elsewhere);

        assertThat(new Spool(link, 1024, 1).clean()).isEqualTo(1);
        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void a_body_over_the_size_limit_leaves_no_spool_file() throws IOException {
        byte[] dossier = LargeDossiers.dossier("30AA00", "30AB00", "HUGE-1", 16 * 1024 * 1024);
        Verdict verdict = validator.validate(new ByteArrayInputStream(dossier), "30AA00");

        assertThat(verdict.errors()).extracting(ValidationError::code).containsExactly("PARSE-TOO-LARGE");
        assertThat(spoolDir).isEmptyDirectory();
    }
}
