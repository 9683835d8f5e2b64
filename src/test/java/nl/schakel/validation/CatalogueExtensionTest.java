package nl.schakel.validation;

import nl.schakel.directory.Directory;
import nl.schakel.oso.OsoExamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OSO dossier is a catalogue entry; another version of it is added by configuration alone. */
class CatalogueExtensionTest {
    static final String NS_2019 = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier";
    static final String NS_2020 = "http://www.edustandaard.nl/oso_gegevensset/2020/dossier";

    @Test
    void the_shipped_catalogue_accepts_an_oso_dossier_whose_receiver_the_channel_names() throws Exception {
        MessageValidator validator = validator(List.of(shipped()), OsoExamples.OSO.toAbsolutePath().toString());
        byte[] dossier = OsoExamples.from(OsoExamples.all().get(0), "30AA00");

        Verdict accepted = validator.validate(dossier, "30AA00", "30AB00");
        assertThat(accepted.errors()).isEmpty();
        assertThat(accepted.type().id()).isEqualTo("oso-dossier-2019");
        assertThat(accepted.field("sender")).isEqualTo("30AA00");
        assertThat(accepted.field("receiver")).isEqualTo("30AB00");
        // derived from the bytes and the receiver: the same export again has the same id, to another receiver another
        assertThat(accepted.field("messageId")).isEqualTo(OsoExamples.derivedMessageId(dossier, "30AB00"))
                .isEqualTo(validator.validate(dossier, "30AA00", "30AB00").field("messageId"))
                .isNotEqualTo(validator.validate(dossier, "30AA00", "30AE00").field("messageId"));

        assertThat(codes(validator.validate(dossier, "30AA00", null))).containsExactly("CTX-RECEIVER-NOT-NAMED");
        assertThat(codes(validator.validate(dossier, "30AB00", "30AC00"))).containsExactly("CTX-SENDER-NOT-CHANNEL-OWNER");
        assertThat(codes(validator.validate(dossier, "30AA00", "../30AB00"))).containsExactly("CTX-CHANNEL-RECEIVER-UNREADABLE");
        assertThat(codes(validator.validate(dossier, "30AA00", "99ZZ00"))).containsExactly("CTX-UNKNOWN-RECEIVER");
        // across regions without an agreement, as for a v1 dossier
        assertThat(codes(validator.validate(dossier, "30AA00", "31AB00"))).containsExactly("CTX-NO-AGREEMENT");
        // a v1 dossier names its receiver: a channel that names another is a mistake
        byte[] v1 = Files.readAllBytes(Path.of("schemas/examples/isk-to-vo.xml"));
        assertThat(codes(validator.validate(v1, "30AA00", "30AB00"))).isEmpty();
        assertThat(codes(validator.validate(v1, "30AA00", "30AC00"))).containsExactly("CTX-RECEIVER-NOT-CHANNEL-RECEIVER");
    }

    @Test
    void a_dossier_the_receivers_format_cannot_hold_is_rejected_at_intake_not_after_acceptance() throws Exception {
        MessageValidator validator = validator(List.of(shipped()), OsoExamples.OSO.toAbsolutePath().toString());
        // a birth month without a birth date: valid OSO, but v1 needs pupil/birthDate
        byte[] monthOnly = new String(OsoExamples.from(OsoExamples.all().get(0), "30AA00"), StandardCharsets.UTF_8)
                .replace("<geboortedatum>2003-03-17</geboortedatum>", "<geboortemaand>2003-03</geboortemaand>").getBytes(StandardCharsets.UTF_8);
        Verdict forV1 = validator.validate(monthOnly, "30AA00", "30AB00");
        assertThat(codes(forV1)).containsExactly("CTX-NOT-MAPPABLE");
        assertThat(forV1.errors().get(0).message()).contains("geboortedatum").doesNotContain("2003");
        // an OSO receiver takes it as sent
        assertThat(codes(validator.validate(monthOnly, "30AA00", "30AE00"))).isEmpty();
    }

    @Test
    void without_the_standards_folder_the_oso_entry_is_left_out_and_named() throws Exception {
        List<String> skipped = new ArrayList<>();
        DocumentCatalogue catalogue = DocumentCatalogue.load(List.of(shipped()), Map.of("standards", "/nonexistent/standards"), skipped::add);
        assertThat(skipped).singleElement().asString().startsWith("oso-dossier-2019");
        assertThat(catalogue.all()).extracting(DocumentType::id).containsExactly("transfer-dossier-v1", "acknowledgement-v1", "follow-up-v1");
        MessageValidator validator = new MessageValidator(catalogue, directory(), 20 << 20, 100);
        assertThat(codes(validator.validate(OsoExamples.from(OsoExamples.all().get(0), "30AA00"), "30AA00", "30AB00")))
                .containsExactly("DOC-UNKNOWN-TYPE");
    }

    @Test
    void a_second_oso_version_added_by_an_extension_file_alone_is_accepted(@TempDir Path dir) throws Exception {
        // a stand-in for OSO 2020.x: the 2019.1 schema in the 2020 namespace
        Path standards = Files.createDirectories(dir.resolve("standards"));
        Files.writeString(standards.resolve("OSO_gegevensset_2020.1.xsd"),
                Files.readString(OsoExamples.OSO.resolve("OSO_gegevensset_2019.1.xsd")).replace(NS_2019, NS_2020));
        Path extension = dir.resolve("catalogue-local.yaml");
        Files.writeString(extension, """
                documentTypes:
                  - id: oso-dossier-2020
                    messageType: dossier
                    standard: oso
                    namespace: http://www.edustandaard.nl/oso_gegevensset/2020/dossier
                    root: dossier
                    schema: ${standards}/OSO_gegevensset_2020.1.xsd
                    receiverFrom: channel
                    messageIdFrom: content
                    namespaces:
                      o: http://www.edustandaard.nl/oso_gegevensset/2020/dossier
                    fields:
                      sender: concat(/o:dossier/o:huidigeschool/o:brincode, /o:dossier/o:huidigeschool/o:vestigingscode)
                """);
        Path both = Files.createDirectories(dir.resolve("both"));
        Files.copy(OsoExamples.OSO.resolve("OSO_gegevensset_2019.1.xsd"), both.resolve("OSO_gegevensset_2019.1.xsd"));
        Files.copy(standards.resolve("OSO_gegevensset_2020.1.xsd"), both.resolve("OSO_gegevensset_2020.1.xsd"));
        MessageValidator validator = validator(List.of(shipped(), extension.toUri().toURL()), both.toString());

        byte[] dossier2020 = new String(OsoExamples.from(OsoExamples.all().get(0), "30AA00"), StandardCharsets.UTF_8)
                .replace(NS_2019, NS_2020).getBytes(StandardCharsets.UTF_8);
        Verdict accepted = validator.validate(dossier2020, "30AA00", "30AE00");
        assertThat(accepted.errors()).isEmpty();
        assertThat(accepted.type().id()).isEqualTo("oso-dossier-2020");
        assertThat(accepted.field("messageId")).startsWith("oso-dossier-2020-");
        // the gateway has no mapping of 2020 to v1: only OSO receivers can get it, and the sender hears so at once
        assertThat(codes(validator.validate(dossier2020, "30AA00", "30AB00"))).containsExactly("CTX-RECEIVER-CANNOT-READ");
        // the 2019 version is still accepted beside it, and mapped for a v1 receiver
        assertThat(validator.validate(OsoExamples.from(OsoExamples.all().get(0), "30AA00"), "30AA00", "30AB00").errors()).isEmpty();
        // a schema error in the new version is found like in any other
        assertThat(validator.validate(new String(dossier2020, StandardCharsets.UTF_8)
                .replaceFirst("<overdrachtsoort>[a-z]+</overdrachtsoort>", "<overdrachtsoort></overdrachtsoort>").getBytes(StandardCharsets.UTF_8),
                "30AA00", "30AE00").errors()).extracting(ValidationError::stage).contains(ValidationError.Stage.SCHEMA);
    }

    @Test
    void a_built_in_mapping_named_for_another_namespace_is_refused_at_start(@TempDir Path dir) throws Exception {
        Path extension = dir.resolve("catalogue-local.yaml");
        Files.writeString(extension, """
                documentTypes:
                  - id: oso-dossier-2020
                    standard: oso
                    mapping: oso-2019
                    namespace: http://www.edustandaard.nl/oso_gegevensset/2020/dossier
                    root: dossier
                    schema: %s
                    receiverFrom: channel
                    messageIdFrom: content
                """.formatted(OsoExamples.OSO.resolve("OSO_gegevensset_2019.1.xsd").toAbsolutePath()));
        assertThatThrownBy(() -> DocumentCatalogue.load(List.of(shipped(), extension.toUri().toURL()),
                Map.of("standards", OsoExamples.OSO.toAbsolutePath().toString()), s -> { }))
                .hasMessageContaining("oso-dossier-2020").hasMessageContaining("mapping oso-2019");
    }

    private static URL shipped() throws Exception {
        return Path.of("schemas/catalogue.yaml").toUri().toURL();
    }

    private static MessageValidator validator(List<URL> catalogues, String standards) throws Exception {
        return new MessageValidator(DocumentCatalogue.load(catalogues, Map.of("standards", standards), s -> { }), directory(), 20 << 20, 100);
    }

    private static Directory directory() throws Exception {
        try (InputStream in = CatalogueExtensionTest.class.getResourceAsStream("/demo-directory.yaml")) {
            return Directory.read(in, "demo");
        }
    }

    private static List<String> codes(Verdict verdict) {
        return verdict.errors().stream().map(ValidationError::code).toList();
    }
}
