package nl.schakel.validation;

import nl.schakel.directory.Directory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile and broken input at the validator: each ends in a coded rejection that quotes nothing from the message. */
class HostileInputTest {
    static final Path EXAMPLES = Path.of("schemas/examples");
    static final String MESSAGE_ID = "ISK30AA-2026-0001";
    static final String MARKER = "Zq7xMarker";
    static String xml;
    static String json;
    static DocumentCatalogue catalogue;
    static Directory directory;
    static MessageValidator validator;

    @BeforeAll
    static void load() throws IOException {
        catalogue = DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL());
        try (InputStream in = HostileInputTest.class.getResourceAsStream("/demo-directory.yaml")) {
            directory = Directory.read(in, "demo-directory.yaml");
        }
        validator = new MessageValidator(catalogue, directory, 20 * 1024 * 1024, 100);
        xml = Files.readString(EXAMPLES.resolve("isk-to-vo.xml"));
        json = Files.readString(Path.of("src/test/resources/isk-to-vo.json"));
    }

    static Verdict validate(String text) {
        return validator.validate(text.getBytes(StandardCharsets.UTF_8), "30AA00");
    }

    static List<String> codes(Verdict verdict) {
        return verdict.errors().stream().map(ValidationError::code).toList();
    }

    static void quotesNothingOf(Verdict verdict, String... values) {
        for (ValidationError e : verdict.errors()) {
            for (String value : values) {
                assertThat(e.message()).as(e.code()).doesNotContain(value);
                assertThat(String.valueOf(e.path())).as(e.code()).doesNotContain(value);
            }
        }
    }

    @Test
    void rejects_json_with_duplicate_keys() {
        Verdict twoIds = validate(json.replace("\"messageId\" : \"" + MESSAGE_ID + "\",",
                "\"messageId\" : \"" + MESSAGE_ID + "\", \"messageId\" : \"OTHER-0001\","));
        assertThat(twoIds.accepted()).isFalse();
        assertThat(twoIds.errors()).extracting(ValidationError::code, ValidationError::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("JSON-DUPLICATE-KEY", "/messageId"));
        quotesNothingOf(twoIds, "OTHER-0001");

        Verdict twoNames = validate(json.replace("\"givenNames\" : \"Samira Fictief\",",
                "\"givenNames\" : \"Samira Fictief\", \"givenNames\" : \"" + MARKER + "\","));
        assertThat(twoNames.errors()).extracting(ValidationError::code, ValidationError::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("JSON-DUPLICATE-KEY", "/pupil/givenNames"));
        quotesNothingOf(twoNames, MARKER, "Samira");
    }

    /** Characters XML 1.0 forbids, as JSON escapes, and U+FFFF as raw UTF-8. */
    @ParameterizedTest
    @ValueSource(strings = {"\\u0001", "\\u001f", "\\u0000", "\\ufffe", "\\uffff", "\\ud800", "\\udc00", "\\ud800x", "\uffff"})
    void rejects_json_whose_strings_hold_characters_xml_forbids_with_the_path_not_the_value(String character) {
        Verdict verdict = validate(json.replace("Samira Fictief", "Samira" + character + MARKER));
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.errors()).extracting(ValidationError::code, ValidationError::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("JSON-FORBIDDEN-CHARACTER", "/pupil/givenNames"));
        quotesNothingOf(verdict, MARKER, "Samira");
        assertThat(verdict.field("messageId")).isEqualTo(MESSAGE_ID);
    }

    /** Found by the fuzzer: {"transferDossier": null} mapped to no model, and the marshaller threw. */
    @ParameterizedTest
    @ValueSource(strings = {"null", "\"x\"", "1", "[]", "[{}]", "true"})
    void rejects_json_whose_root_value_is_not_an_object(String value) {
        Verdict verdict = validate("{\"transferDossier\": " + value + "}");
        assertThat(verdict.accepted()).isFalse();
        assertThat(codes(verdict)).containsExactly("JSON-NO-ROOT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\t", "\\n", "\\u00e9", "\\ud83d\\ude00", "\u0085", "\ufffd"})
    void accepts_json_with_characters_xml_allows(String character) {
        assertThat(validate(json.replace("Samira Fictief", "Samira" + character + "Fictief")).errors()).isEmpty();
    }

    @Test
    void rejects_an_xml_1_1_document_with_a_control_character_reference_that_xml_1_0_receivers_cannot_read() {
        Verdict verdict = validate(xml.replace("version=\"1.0\"", "version=\"1.1\"").replace("Samira Fictief", "Samira&#1;" + MARKER));
        assertThat(codes(verdict)).containsExactly("PARSE-FORBIDDEN-CHARACTER");
        assertThat(verdict.errors().get(0).path()).isEqualTo("/transferDossier/pupil/givenNames");
        quotesNothingOf(verdict, MARKER);
        Verdict inAttribute = validate(xml.replace("version=\"1.0\"", "version=\"1.1\"").replace("skill=\"READING\"", "skill=\"READ&#x1F;ING\""));
        assertThat(codes(inAttribute)).containsExactly("PARSE-FORBIDDEN-CHARACTER");
        // XML 1.1 without such characters is read as before
        assertThat(validate(xml.replace("version=\"1.0\"", "version=\"1.1\"")).errors()).isEmpty();
    }

    /** Endless JSON: the validator reads no further than the limit, in memory and when spooling. */
    @ParameterizedTest
    @ValueSource(ints = {0, 4096})
    void reads_no_more_of_an_endless_json_body_than_the_size_limit(int spoolThreshold, @TempDir Path spool) throws IOException {
        int limit = 64 * 1024;
        MessageValidator small = new MessageValidator(catalogue, directory, DeliveredTransfers.NONE, limit, 100,
                spoolThreshold == 0 ? Spool.none() : new Spool(spool, spoolThreshold, 1));
        EndlessJson body = new EndlessJson();
        Verdict verdict = small.validate(body, "30AA00");
        assertThat(codes(verdict)).containsExactly("PARSE-TOO-LARGE");
        // what was read: the limit, plus at most one read buffer
        assertThat(body.read).isGreaterThan(limit).isLessThanOrEqualTo(limit + 65536 + 1);
        try (Stream<Path> left = Files.list(spool)) {
            assertThat(left).as("no spool file is left behind").isEmpty();
        }
    }

    /** {"transferDossier": {"messageId": "aaaa... without end. */
    static final class EndlessJson extends InputStream {
        private final byte[] head = "{\"transferDossier\": {\"messageId\": \"".getBytes(StandardCharsets.US_ASCII);
        long read;

        @Override
        public int read() {
            return read < head.length ? head[(int) read++] : (int) (read++ % 26) + 'a';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) read();
            }
            return len;
        }
    }

    static Stream<Arguments> rejectedDocumentsWithAReadableMessageId() {
        String deep = "<x>".repeat(120) + "</x>".repeat(120);
        return Stream.of(
                Arguments.of("xml breaking off after the id", "PARSE-MALFORMED", (UnaryOperator<String>) s -> s.replace("</pupil>", "</pupil")),
                Arguments.of("xml nested too deep", "PARSE-TOO-DEEP", (UnaryOperator<String>) s -> s.replace("<exitProfile>", deep + "<exitProfile>")),
                // the parser decodes ahead of what it parses: the bad byte lies beyond its first buffer
                Arguments.of("xml with a broken encoding", "PARSE-INVALID-ENCODING", (UnaryOperator<String>) s -> s.replace("encoding=\"UTF-8\"", "encoding=\"US-ASCII\"")
                        .replace("<pupil>", "<!--" + " ".repeat(20000) + "--><pupil>").replace("Samira", "S\u00e4mira")),
                Arguments.of("json breaking off after the id", "JSON-MALFORMED", (UnaryOperator<String>) s -> s.substring(0, s.indexOf("\"pupil\""))),
                Arguments.of("json with an unknown property", "JSON-UNKNOWN-PROPERTY",
                        (UnaryOperator<String>) s -> s.replace("\"exitProfile\"", "\"favouriteColour\" : \"blue\", \"exitProfile\"")),
                Arguments.of("json with a bad date", "JSON-INVALID-VALUE", (UnaryOperator<String>) s -> s.replace("2012-05-14", "2012-13-45")),
                Arguments.of("json with a duplicate key", "JSON-DUPLICATE-KEY",
                        (UnaryOperator<String>) s -> s.replace("\"kind\" : \"ISK\",", "\"kind\" : \"ISK\", \"kind\" : \"VO\",")),
                Arguments.of("json with a control character", "JSON-FORBIDDEN-CHARACTER", (UnaryOperator<String>) s -> s.replace("Samira", "Sa\\u0007mira")),
                Arguments.of("json nested too deep", "PARSE-TOO-DEEP",
                        (UnaryOperator<String>) s -> s.replace("\"exitProfile\"", "\"deep\" : " + "[".repeat(120) + "]".repeat(120) + ", \"exitProfile\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedDocumentsWithAReadableMessageId")
    void names_the_message_id_of_a_rejected_document_when_it_was_read_whole(String what, String code, UnaryOperator<String> breakIt) {
        String original = what.startsWith("xml") ? xml : json;
        Verdict verdict = what.contains("encoding")
                ? validator.validate(breakIt.apply(original).getBytes(StandardCharsets.UTF_8), "30AA00")
                : validate(breakIt.apply(original));
        assertThat(codes(verdict)).contains(code);
        assertThat(verdict.field("messageId")).isEqualTo(MESSAGE_ID);
    }

    @Test
    void names_the_message_id_of_a_rejected_large_body_read_from_its_spool_file(@TempDir Path spool) throws IOException {
        MessageValidator spooling = new MessageValidator(catalogue, directory, DeliveredTransfers.NONE, 20 << 20, 100, new Spool(spool, 1024, 1));
        Verdict verdict = spooling.validate(new java.io.ByteArrayInputStream(xml.replace("</pupil>", "</pupil").getBytes(StandardCharsets.UTF_8)), "30AA00");
        assertThat(verdict.large()).isNotNull();
        assertThat(codes(verdict)).containsExactly("PARSE-MALFORMED");
        assertThat(verdict.field("messageId")).isEqualTo(MESSAGE_ID);
    }

    /** Found by the fuzzer: a large body's unknown encoding escaped as a spool read failure, which the channels retry for ever. */
    @Test
    void a_body_declaring_an_encoding_java_does_not_know_is_rejected_in_memory_and_from_a_spool_file(@TempDir Path spool) throws IOException {
        byte[] body = xml.replace("encoding=\"UTF-8\"", "encoding=\"TTF-8\"").getBytes(StandardCharsets.UTF_8);
        MessageValidator spooling = new MessageValidator(catalogue, directory, DeliveredTransfers.NONE, 20 << 20, 100, new Spool(spool, 1024, 1));
        Verdict large = spooling.validate(new java.io.ByteArrayInputStream(body), "30AA00");
        assertThat(large.large()).isNotNull();
        assertThat(codes(large)).containsExactly("PARSE-INVALID-ENCODING");
        assertThat(codes(validator.validate(body, "30AA00"))).containsExactly("PARSE-INVALID-ENCODING");
    }

    /**
     * Found by the fuzzer: the Timestamp pattern ".+(...)" made the schema validator take time quadratic in
     * the value's length (400,000 characters: about 12 s; 1 MB: over a minute; 20 MB: hours).
     */
    @Test
    void a_huge_timestamp_is_rejected_in_time_linear_in_its_length() {
        String huge = "9".repeat(400_000);
        long start = System.nanoTime();
        Verdict verdict = validate(xml.replace("2026-11-20T10:15:00+01:00", huge));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(codes(verdict)).contains("XSD-cvc-pattern-valid");
        assertThat(millis).as("milliseconds").isLessThan(5_000);
    }

    @Test
    void does_not_name_a_message_id_it_did_not_read_to_its_end() {
        Verdict cut = validate(xml.substring(0, xml.indexOf(MESSAGE_ID) + 7));
        assertThat(codes(cut)).containsExactly("PARSE-MALFORMED");
        assertThat(cut.field("messageId")).isNull();
        Verdict notAnId = validate(xml.replace(MESSAGE_ID, MARKER + " Samira").replace("</pupil>", "</pupil"));
        assertThat(notAnId.field("messageId")).isNull();
        Verdict cutJson = validate(json.substring(0, json.indexOf(MESSAGE_ID) + 7));
        assertThat(cutJson.field("messageId")).isNull();
    }

    @Test
    void a_routing_field_longer_than_64_characters_is_a_rejection_naming_the_field_not_the_value() {
        String longId = MARKER + "-" + "9".repeat(60);
        Verdict verdict = validate(xml.replace(MESSAGE_ID, longId));
        assertThat(verdict.errors()).extracting(ValidationError::code, ValidationError::path)
                .contains(org.assertj.core.groups.Tuple.tuple("CTX-FIELD-TOO-LONG", "messageId"));
        assertThat(verdict.fields()).doesNotContainKey("messageId");
        quotesNothingOf(verdict, MARKER);
    }

    @Test
    void context_errors_never_quote_a_code_the_directory_does_not_know() {
        Verdict verdict = validate(xml.replace("<c:code>30AA00</c:code>", "<c:code>" + MARKER + "</c:code>")
                .replace("<c:code>30AB00</c:code>", "<c:code>" + MARKER + "2</c:code>"));
        assertThat(codes(verdict)).contains("CTX-SENDER-NOT-CHANNEL-OWNER", "CTX-UNKNOWN-SENDER", "CTX-UNKNOWN-RECEIVER");
        quotesNothingOf(verdict, MARKER);
        Verdict kind = validate(xml.replace("<c:kind>ISK</c:kind>", "<c:kind>" + MARKER + "</c:kind>"));
        assertThat(codes(kind)).contains("CTX-SENDER-KIND-MISMATCH");
        quotesNothingOf(kind, MARKER);
    }

    @Test
    void schema_errors_do_not_quote_an_xsi_type_value_or_a_namespace_the_catalogue_does_not_know() {
        String xsi = " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
        Verdict verdict = validate(xml.replace("<pupil>", "<pupil" + xsi + " xsi:type=\"" + MARKER + "\">")
                .replace("<exitProfile>", "<x:extra xmlns:x=\"urn:" + MARKER + "\"/><exitProfile>"));
        assertThat(codes(verdict)).contains("XSD-cvc-elt.4.2", "XSD-cvc-complex-type.2.4.a");
        quotesNothingOf(verdict, MARKER);
        // the schemas' own namespaces are named
        assertThat(verdict.errors()).anySatisfy(e -> assertThat(e.message()).contains("urn:schakel:transfer-dossier:1"));
    }

    @Test
    void well_formedness_errors_do_not_quote_text_that_ran_into_markup() {
        Verdict lostBracket = validate(xml.replace("<givenNames>Samira", "<givenNames " + MARKER));
        assertThat(codes(lostBracket)).containsExactly("PARSE-MALFORMED");
        quotesNothingOf(lostBracket, MARKER);
        Verdict runOn = validate(xml.replace("<givenNames>Samira Fictief</givenNames>", "<givenNames" + MARKER + "</givenNames>"));
        assertThat(codes(runOn)).containsExactly("PARSE-MALFORMED");
        quotesNothingOf(runOn, MARKER);
        Verdict unknownRoot = validate(xml.replace("urn:schakel:transfer-dossier:1", "urn:" + MARKER));
        assertThat(codes(unknownRoot)).containsExactly("DOC-UNKNOWN-TYPE");
        quotesNothingOf(unknownRoot, MARKER);
    }
}
