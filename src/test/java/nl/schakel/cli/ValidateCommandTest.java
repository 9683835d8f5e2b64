package nl.schakel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static nl.schakel.cli.Cli.DEMO_DIRECTORY;
import static nl.schakel.cli.Cli.EXAMPLES;
import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {
    /** An error line of the text output: two spaces, the code, then its place or its message. */
    private static final Pattern ERROR_LINE = Pattern.compile("(?m)^  ([A-Z][A-Za-z0-9.\\-]+)(?: at |: )");

    static Stream<Path> validExamples() throws IOException {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.filter(Files::isRegularFile).sorted().toList().stream();
        }
    }

    static Stream<Path> invalidExamples() throws IOException {
        try (Stream<Path> s = Files.list(EXAMPLES.resolve("invalid"))) {
            return s.sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void a_valid_example_is_valid_with_exit_code_0(Path file) {
        Cli.Result r = Cli.run("validate", "--directory", DEMO_DIRECTORY.toString(), file.toString());

        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(r.out()).contains(file + ": valid (message ").contains("1 file: 1 valid, 0 invalid");
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void an_invalid_example_exits_1_naming_the_code_its_file_name_gives(Path file) {
        // the invalid examples are all sent by the ISK 30AA00 (the sender of isk-to-vo.xml)
        Cli.Result r = Cli.run("validate", "--directory", DEMO_DIRECTORY.toString(), "--as", "30AA00", file.toString());

        assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains(file + ": INVALID");
        assertThat(codes(r.out())).contains(expectedCode(file));
    }

    @Test
    void an_oso_export_is_checked_with_the_standards_folder_and_the_receiver_it_will_go_to() throws IOException {
        Path standards = nl.schakel.oso.OsoExamples.OSO.toAbsolutePath();
        Path export = Files.createTempFile("oso-export", ".xml");
        try {
            Files.write(export, nl.schakel.oso.OsoExamples.from(nl.schakel.oso.OsoExamples.all().get(0), "30AA00"));
            java.util.Map<String, String> env = java.util.Map.of("SCHAKEL_STANDARDS_DIR", standards.toString());

            Cli.Result valid = Cli.run(env, "", "validate", "--directory", DEMO_DIRECTORY.toString(), "--as", "30AA00", "--receiver", "30AB00",
                    export.toString());
            assertThat(valid.exitCode()).as(valid.out() + valid.err()).isZero();
            assertThat(valid.out()).contains(": valid (message oso-dossier-2019-");

            Cli.Result unnamed = Cli.run(env, "", "validate", "--directory", DEMO_DIRECTORY.toString(), export.toString());
            assertThat(unnamed.exitCode()).isEqualTo(1);
            assertThat(codes(unnamed.out())).containsExactly("CTX-RECEIVER-NOT-NAMED");

            // without the standard's files: unknown, and the command says how to check it
            Cli.Result withoutStandards = Cli.run(java.util.Map.of("SCHAKEL_STANDARDS_DIR", "/nonexistent"), "", "validate", export.toString());
            assertThat(withoutStandards.exitCode()).isEqualTo(1);
            assertThat(codes(withoutStandards.out())).containsExactly("DOC-UNKNOWN-TYPE");
            assertThat(withoutStandards.err()).contains("oso-dossier-2019").contains("schakel.standards-dir");
        } finally {
            Files.deleteIfExists(export);
        }
    }

    @Test
    void an_agreement_is_checked_only_with_the_directory() {
        String file = EXAMPLES.resolve("invalid/CTX-NO-AGREEMENT.xml").toString();

        Cli.Result without = Cli.run("validate", file);
        Cli.Result with = Cli.run("validate", "--directory", DEMO_DIRECTORY.toString(), file);

        assertThat(without.exitCode()).isZero();
        assertThat(without.out()).containsPattern("Not checked offline:\\R  .*CTX-NO-AGREEMENT.*--directory FILE");
        assertThat(with.exitCode()).isEqualTo(1);
        assertThat(codes(with.out())).containsExactly("CTX-NO-AGREEMENT");
        assertThat(with.out()).doesNotContain("--directory FILE");
    }

    @Test
    void the_sender_is_checked_against_the_sending_institution_only_with_as() {
        String file = EXAMPLES.resolve("invalid/CTX-SENDER-NOT-CHANNEL-OWNER.xml").toString();

        assertThat(Cli.run("validate", file).exitCode()).isZero();
        Cli.Result as = Cli.run("validate", "--as", "30AA00", file);
        assertThat(as.exitCode()).isEqualTo(1);
        assertThat(codes(as.out())).containsExactly("CTX-SENDER-NOT-CHANNEL-OWNER");
    }

    @Test
    void json_format_is_one_document_with_file_code_line_and_column_per_file() throws IOException {
        Path xsd = EXAMPLES.resolve("invalid/XSD-cvc-pattern-valid--institution-code.xml");
        Path rule = EXAMPLES.resolve("invalid/RULE-AGE-ISK.xml");
        Path valid = EXAMPLES.resolve("isk-to-vo.xml");

        Cli.Result r = Cli.run("validate", "--format", "json", xsd.toString(), rule.toString(), valid.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("valid").asBoolean()).isFalse();
        assertThat(doc.get("files").asInt()).isEqualTo(3);
        assertThat(doc.get("invalidFiles").asInt()).isEqualTo(2);
        JsonNode results = doc.get("results");
        assertThat(results).hasSize(3);
        JsonNode first = results.get(0);
        assertThat(first.get("file").asText()).isEqualTo(xsd.toString());
        assertThat(first.get("valid").asBoolean()).isFalse();
        assertThat(first.get("messageId").asText()).isEqualTo("ISK30AA-INVALID-015");
        JsonNode error = first.get("errors").get(0);
        assertThat(error.get("code").asText()).isEqualTo("XSD-cvc-pattern-valid");
        assertThat(error.get("line").asInt()).isEqualTo(16);
        assertThat(error.get("column").asInt()).isEqualTo(27);
        assertThat(error.get("path").asText()).isEqualTo("/transferDossier/receiver/code");
        assertThat(results.get(1).get("errors").get(0).get("code").asText()).isEqualTo("RULE-AGE-ISK");
        assertThat(results.get(2).get("valid").asBoolean()).isTrue();
        assertThat(results.get(2).get("errors")).isEmpty();
        List<String> notChecked = new ArrayList<>();
        doc.get("notChecked").forEach(n -> notChecked.add(n.get("code").asText()));
        assertThat(notChecked).contains("CTX-NO-AGREEMENT", "CTX-NOT-YOUR-TRANSFER");
    }

    @Test
    void a_json_dossier_error_has_its_path() throws IOException {
        Cli.Result r = Cli.run("validate", "--format", "json", EXAMPLES.resolve("invalid/JSON-MALFORMED--unclosed-object.json").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode error = new ObjectMapper().readTree(r.out()).get("results").get(0).get("errors").get(0);
        assertThat(error.get("code").asText()).isEqualTo("JSON-MALFORMED");
        assertThat(error.has("line") && error.has("column") && error.has("path")).isTrue();
    }

    @Test
    void a_missing_file_is_a_usage_error() {
        Cli.Result r = Cli.run("validate", EXAMPLES.resolve("isk-to-vo.xml").toString(), "no-such-export.xml");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read no-such-export.xml");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void an_unknown_option_is_a_usage_error() {
        Cli.Result r = Cli.run("validate", "--strict", EXAMPLES.resolve("isk-to-vo.xml").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--strict'");
    }

    @Test
    void a_broken_directory_file_is_a_usage_error(@TempDir Path tmp) throws IOException {
        Path broken = Files.writeString(tmp.resolve("directory.yaml"), "institutions:\n  - { code: nonsense, kind: ISK, region: X }\n");

        Cli.Result r = Cli.run("validate", "--directory", broken.toString(), EXAMPLES.resolve("isk-to-vo.xml").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("the directory file is not valid").contains("schakel directory check");
    }

    @Test
    void a_folder_means_its_xml_and_json_files_and_its_subfolders_only_with_recursive(@TempDir Path tmp) throws IOException {
        Files.copy(EXAMPLES.resolve("isk-to-vo.xml"), tmp.resolve("a.xml"));
        Files.writeString(tmp.resolve("notes.txt"), "not a dossier");
        Files.createDirectory(tmp.resolve("sub"));
        Files.copy(EXAMPLES.resolve("invalid/RULE-AGE-ISK.xml"), tmp.resolve("sub/b.xml"));

        Cli.Result flat = Cli.run("validate", tmp.toString());
        Cli.Result deep = Cli.run("validate", "--recursive", tmp.toString());

        assertThat(flat.exitCode()).isZero();
        assertThat(flat.out()).contains("1 file: 1 valid, 0 invalid").doesNotContain("notes.txt");
        assertThat(deep.exitCode()).isEqualTo(1);
        assertThat(deep.out()).contains("2 files: 1 valid, 1 invalid").contains(tmp.resolve("sub/b.xml") + ": INVALID");
    }

    @Test
    void a_folder_without_messages_is_a_usage_error(@TempDir Path tmp) {
        Cli.Result r = Cli.run("validate", tmp.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no *.xml or *.json files");
    }

    @Test
    void many_files_show_their_progress_on_standard_error_and_few_do_not(@TempDir Path tmp) throws IOException {
        String dossier = Files.readString(EXAMPLES.resolve("isk-to-vo.xml"));
        for (int i = 0; i < ValidateCommand.PROGRESS_FROM; i++) {
            Files.writeString(tmp.resolve(String.format("d%03d.xml", i)), dossier.replace("ISK30AA-2026-0001", "ISK30AA-2026-C" + i));
        }

        Cli.Result many = Cli.run("validate", tmp.toString());
        Cli.Result few = Cli.run("validate", tmp.resolve("d000.xml").toString(), tmp.resolve("d001.xml").toString());

        assertThat(many.exitCode()).isZero();
        assertThat(many.err()).contains("validated 50 of 50 files, 0 invalid");
        assertThat(many.out()).contains("50 files: 50 valid, 0 invalid").contains("(message ISK30AA-2026-C49)");
        assertThat(few.err()).isEmpty();
    }

    /** RULE-AGE-ISK.xml gives RULE-AGE-ISK; XSD-cvc-pattern-valid--institution-code.xml gives XSD-cvc-pattern-valid. */
    private static String expectedCode(Path file) {
        String name = file.getFileName().toString();
        int dashes = name.indexOf("--");
        return dashes >= 0 ? name.substring(0, dashes) : name.substring(0, name.lastIndexOf('.'));
    }

    private static List<String> codes(String out) {
        List<String> codes = new ArrayList<>();
        Matcher m = ERROR_LINE.matcher(out);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }
}
