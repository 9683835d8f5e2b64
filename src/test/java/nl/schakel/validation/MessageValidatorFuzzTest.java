package nl.schakel.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import nl.schakel.directory.Directory;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the validator (jqwik): arbitrary bytes, the valid examples mutated
 * (bytes flipped, elements dropped, duplicated, reordered and nested, values stretched to their
 * limits, encodings switched), and arbitrary JSON. Every input must end in a verdict, never an
 * exception: accepted (with routing fields that fit the ledger and XML a receiver can parse) or
 * rejected with coded errors; within {@link #TIME_BOUND_MS}; and no error message or path may
 * repeat a value: free text in the examples carries a marker token that must never come back.
 *
 * <p>Short by default (the class takes well under a minute on two cores); a long run with
 * {@code mvn -o -Dtest=MessageValidatorFuzzTest -Dfuzz.tries=20000 test} (tries per property).
 * The summary line (inputs, distinct error codes, slowest input) goes to stdout, which surefire
 * keeps in target/surefire-reports/nl.schakel.validation.MessageValidatorFuzzTest-output.txt.
 */
@AddLifecycleHook(value = MessageValidatorFuzzTest.Tries.class, propagateTo = net.jqwik.api.lifecycle.PropagationMode.DIRECT_DESCENDANTS)
class MessageValidatorFuzzTest {
    static final String MARKER = "Zq7xMarker";
    /** Pieces of the marker: a cut or flipped marker still gives itself away. */
    static final List<String> MARKER_PIECES = List.of("Zq7x", "q7xM", "7xMa");
    /** No input may take longer than this: generous, so that a slow machine does not fail the build, yet far from a hang. */
    static final long TIME_BOUND_MS = 10_000;
    static final int DEFAULT_TRIES = 1000;
    static final Path EXAMPLES = Path.of("schemas/examples");
    static final String DELIVERED = "ISK30AA-2026-0001";

    static MessageValidator validator;
    static MessageValidator spooling;
    static Path spool;
    static List<Base> xmlBases;
    static Base jsonBase;
    static JsonNode jsonTree;

    static final AtomicLong inputs = new AtomicLong();
    static final AtomicLong validations = new AtomicLong();
    static final Set<String> codes = ConcurrentHashMap.newKeySet();
    static final AtomicLong slowestNanos = new AtomicLong();
    static final AtomicReference<String> slowestInput = new AtomicReference<>("none");

    /** A valid example with the marker planted in its free text: still valid, and {@code owner} sends it. */
    record Base(String name, String text, String owner) {
    }

    /** Tries per property: -Dfuzz.tries, else {@link #DEFAULT_TRIES}. */
    static final class Tries implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            context.attributes().setTries(Integer.getInteger("fuzz.tries", DEFAULT_TRIES));
            return property.execute();
        }
    }

    @BeforeContainer
    static void load() throws Exception {
        DocumentCatalogue catalogue = DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL());
        Directory directory;
        try (InputStream in = MessageValidatorFuzzTest.class.getResourceAsStream("/demo-directory.yaml")) {
            directory = Directory.read(in, "demo-directory.yaml");
        }
        // the answers in examples/answers refer to the transfer of isk-to-vo.xml: as if it was delivered
        DeliveredTransfers delivered = (id, sender, receiver) -> DELIVERED.equals(id) ? Optional.of("R-fuzz") : Optional.empty();
        validator = new MessageValidator(catalogue, directory, delivered, 20 * 1024 * 1024, 100, Spool.none());
        spool = Files.createTempDirectory("schakel-fuzz-spool-");
        // the same, reading every body over 2 KB from a spool file as large dossiers are read
        spooling = new MessageValidator(catalogue, directory, delivered, 20 * 1024 * 1024, 100, new Spool(spool, 2048, 2));

        xmlBases = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> top = Files.list(EXAMPLES); Stream<Path> answers = Files.list(EXAMPLES.resolve("answers"))) {
            files = Stream.concat(top, answers).filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        for (Path file : files) {
            xmlBases.add(markedXml(file));
        }
        jsonTree = new ObjectMapper().readTree(Path.of("src/test/resources/isk-to-vo.json").toFile());
        int planted = plantInJson(jsonTree);
        jsonBase = new Base("isk-to-vo.json", new ObjectMapper().writeValueAsString(jsonTree), "30AA00");
        assertThat(planted).isGreaterThanOrEqualTo(3);
        assertThat(validator.validate(jsonBase.text().getBytes(StandardCharsets.UTF_8), "30AA00").errors()).isEmpty();
    }

    @AfterContainer
    static void summary() throws IOException {
        System.out.printf("FUZZ SUMMARY: inputs tried %d (validations %d: mutated examples also as spooled bodies), distinct error codes %d, "
                        + "slowest input %d ms (%s); codes %s%n", inputs.get(), validations.get(), codes.size(), slowestNanos.get() / 1_000_000,
                slowestInput.get(), new java.util.TreeSet<>(codes));
        try (Stream<Path> left = Files.list(spool)) {
            for (Path p : left.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(spool);
    }

    // ---------------------------------------------------------------- the properties

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void arbitrary_bytes_end_in_a_coded_verdict_in_time_quoting_nothing(@ForAll("arbitraryBytes") byte[] body) throws IOException {
        check("bytes(" + body.length + ")", body, "30AA00", false);
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void mutated_valid_examples_end_in_a_coded_verdict_in_time_quoting_nothing(@ForAll("xmlBase") Base base,
                                                                                @ForAll("mutations") List<Mutation> mutations) throws Exception {
        byte[] body = mutateXml(base, mutations);
        check(base.name() + " " + mutations, body, base.owner(), true);
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void mutated_json_example_ends_in_a_coded_verdict_in_time_quoting_nothing(@ForAll("mutations") List<Mutation> mutations,
                                                                              @ForAll("jsonValue") String replacement) throws Exception {
        byte[] body = mutateJson(mutations, replacement);
        check("isk-to-vo.json " + mutations, body, "30AA00", true);
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void arbitrary_json_ends_in_a_coded_verdict_in_time_quoting_nothing(@ForAll("jsonRoot") String root,
                                                                       @ForAll("jsonValue") String value) throws IOException {
        byte[] body = ("{" + quote(root) + ":" + value + "}").getBytes(StandardCharsets.UTF_8);
        check("json(" + body.length + ")", body, "30AA00", false);
    }

    // ---------------------------------------------------------------- the check every input must pass

    private static void check(String what, byte[] body, String owner, boolean alsoSpooled) throws IOException {
        inputs.incrementAndGet();
        verdictOf(what, body, owner, false);
        if (alsoSpooled) {
            verdictOf(what + " spooled", body, owner, true);
        }
    }

    private static void verdictOf(String what, byte[] body, String owner, boolean spooled) throws IOException {
        long start = System.nanoTime();
        Verdict verdict = spooled ? spooling.validate(new ByteArrayInputStream(body), owner) : validator.validate(body, owner);
        long nanos = System.nanoTime() - start;
        validations.incrementAndGet();
        if (nanos > slowestNanos.get()) {
            slowestNanos.set(nanos);
            slowestInput.set(what.length() > 300 ? what.substring(0, 300) + "..." : what);
        }
        try {
            assertThat(nanos / 1_000_000).as("milliseconds for " + what).isLessThan(TIME_BOUND_MS);
            assertThat(verdict).isNotNull();
            if (verdict.accepted()) {
                accepted(verdict);
            } else {
                assertThat(verdict.errors()).allSatisfy(e -> {
                    assertThat(e.code()).matches("[A-Z]+(-[A-Za-z0-9.]+)+");
                    assertThat(e.message()).isNotBlank();
                    codes.add(e.code());
                    for (String piece : MARKER_PIECES) {
                        assertThat(e.message()).as("message of " + e.code()).doesNotContain(piece);
                        assertThat(String.valueOf(e.path())).as("path of " + e.code()).doesNotContain(piece);
                    }
                });
            }
            // a message id is named only when it is one
            if (verdict.field("messageId") != null) {
                assertThat(verdict.field("messageId")).matches("[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}");
            }
        } finally {
            if (verdict.large() != null) {
                Files.deleteIfExists(verdict.large().file());
            }
        }
    }

    /** An accepted message can be routed, recorded, and read by its receiver. */
    private static void accepted(Verdict verdict) throws IOException {
        assertThat(verdict.errors()).isEmpty();
        assertThat(verdict.field("messageId")).isNotNull();
        assertThat(verdict.field("sender")).hasSize(6);
        assertThat(verdict.field("receiver")).hasSize(6);
        byte[] forwarded = verdict.large() != null ? Files.readAllBytes(verdict.large().file()) : verdict.xml();
        assertThat(forwarded).isNotNull();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.newDocumentBuilder().parse(new ByteArrayInputStream(forwarded));
        } catch (Exception e) {
            throw new AssertionError("an accepted message the receiver cannot parse: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<byte[]> arbitraryBytes() {
        Arbitrary<byte[]> prefix = Arbitraries.of("", "<", "{", "\uFEFF<", "<?xml version=\"1.0\"?>", "<?xml version=\"1.1\" encoding=\"UTF-16\"?>",
                "<transferDossier xmlns=\"urn:schakel:transfer-dossier:1\">", "{\"transferDossier\":", "{\"acknowledgement\":{\"messageId\":\"A-1\",")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> rest = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2048),
                // text-like bytes: markup and JSON punctuation more often than chance gives
                Arbitraries.strings().withChars("<>/=\"'{}[]:,&;#?! \n\tabcxyzAZ019-.\u00e9\u20ac").ofMaxLength(1024)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)));
        return Combinators.combine(prefix, rest).as((p, r) -> {
            byte[] all = new byte[p.length + r.length];
            System.arraycopy(p, 0, all, 0, p.length);
            System.arraycopy(r, 0, all, p.length, r.length);
            return all;
        });
    }

    @Provide
    Arbitrary<Base> xmlBase() {
        return Arbitraries.of(xmlBases);
    }

    /** What a mutation does; the numbers pick where and how. */
    enum Kind {
        // on the tree (DOM or JSON)
        DROP, DUPLICATE, SWAP, MOVE, STRETCH, PLANT, ATTRIBUTE, NEST, NAMESPACE, REPLACE, RENAME,
        // on the bytes
        FLIP, FLIP_NEAR_MARKER, INSERT, TRUNCATE, REPEAT_SPAN, ENCODING, BOM, DOCTYPE, VERSION_1_1, CONTROL_REFERENCE, DUPLICATE_KEY
    }

    record Mutation(Kind kind, int a, int b, int c) {
        @Override
        public String toString() {
            return kind + "(" + a + "," + b + "," + c + ")";
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.integers().between(0, 1 << 20), Arbitraries.integers().between(0, 1 << 20)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> jsonRoot() {
        return Arbitraries.oneOf(Arbitraries.of("transferDossier", "acknowledgement", "followUpReport", "receipt", ""),
                Arbitraries.strings().ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> jsonValue() {
        return jsonValue(0);
    }

    private Arbitrary<String> jsonValue(int depth) {
        if (depth >= 4) {
            return jsonLeaf();
        }
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, jsonLeaf()),
                net.jqwik.api.Tuple.of(2, Arbitraries.lazy(() -> jsonValue(depth + 1)).list().ofMaxSize(4)
                        .map(l -> "[" + String.join(",", l) + "]")),
                net.jqwik.api.Tuple.of(3, Combinators.combine(jsonName(), Arbitraries.lazy(() -> jsonValue(depth + 1)))
                        .as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(6).map(l -> "{" + String.join(",", l) + "}")),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 200).map(n -> "[".repeat(n) + "]".repeat(n))));
    }

    /** Names of the model, so that arbitrary JSON gets past the root now and then, and others. */
    private static Arbitrary<String> jsonName() {
        return Arbitraries.oneOf(Arbitraries.of("messageId", "created", "sender", "receiver", "code", "kind", "name", "transition",
                        "plannedStart", "midYear", "pupil", "givenNames", "familyName", "birthDate", "pgn", "homeLanguage", "learningLines",
                        "nt2Skill", "skill", "level", "supportNeeds", "need", "category", "description", "refersTo", "decision", "schemaVersion"),
                Arbitraries.strings().ofMaxLength(10));
    }

    private static Arbitrary<String> jsonLeaf() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(MessageValidatorFuzzTest::quote),
                Arbitraries.strings().ofMaxLength(20).map(s -> quote(s + MARKER + s)),
                Arbitraries.of("\"" + MARKER + "\\u0001\"", "\"\\ud800" + MARKER + "\"", "\"\\uffff\"", "\"\\u0000\"", "\"2012-05-14\"",
                        "\"ISK30AA-2026-0001\"", "\"30AA00\"", "\"ISK\"", "\"" + MARKER.repeat(20) + "\""),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("0", "-0", "1e400", "-1e-400", "1.5", "12345678901234567890123456789", "1" + "0".repeat(60), "1e999999999",
                        "0.1e-999999999", "true", "false", "null", "NaN", "01", "1.", ".5", "\"\\x41\""));
    }

    /** A JSON string: control characters, quotes, backslashes and surrogates escaped, so lone ones survive as escapes. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                out.append(c).append(s.charAt(++i));
            } else if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ---------------------------------------------------------------- the valid examples, marked

    /** Free text takes the marker; codes, dates and booleans do not (they would no longer be valid). */
    private static boolean freeText(String text) {
        String t = text.trim();
        return t.length() > 3 && !t.equals("true") && !t.equals("false") && t.chars().anyMatch(Character::isLowerCase);
    }

    private static Base markedXml(Path file) throws Exception {
        String original = Files.readString(file);
        int at = original.indexOf("<c:code>");
        String owner = original.substring(at + 8, at + 14);
        Document dom = parse(original);
        int planted = 0;
        for (Node text : textNodes(dom)) {
            if (!freeText(text.getNodeValue())) {
                continue;
            }
            String was = text.getNodeValue();
            text.setNodeValue(was.substring(0, was.length() / 2) + " " + MARKER + " " + was.substring(was.length() / 2));
            // kept only where the example stays valid (a code with lower case letters, say)
            if (validator.validate(serialise(dom).getBytes(StandardCharsets.UTF_8), owner).accepted()) {
                planted++;
            } else {
                text.setNodeValue(was);
            }
        }
        String marked = serialise(dom);
        assertThat(validator.validate(marked.getBytes(StandardCharsets.UTF_8), owner).errors()).as(file.toString()).isEmpty();
        // the answers have no free text: the mutations plant markers there
        assertThat(planted).as("markers planted in " + file).isGreaterThanOrEqualTo(file.toString().contains("answers") ? 0 : 3);
        return new Base(file.getFileName().toString(), marked, owner);
    }

    private static int plantInJson(JsonNode node) {
        int planted = 0;
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual() && freeText(e.getValue().asText())) {
                    e.setValue(TextNode.valueOf(e.getValue().asText() + " " + MARKER));
                    planted++;
                } else {
                    planted += plantInJson(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode element : array) {
                planted += plantInJson(element);
            }
        }
        return planted;
    }

    // ---------------------------------------------------------------- mutating XML

    static byte[] mutateXml(Base base, List<Mutation> mutations) throws Exception {
        Document dom = parse(base.text());
        for (Mutation m : mutations) {
            mutateTree(dom, m);
        }
        String text = serialise(dom);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (Mutation m : mutations) {
            bytes = mutateBytes(bytes, m, true);
        }
        return bytes;
    }

    private static void mutateTree(Document dom, Mutation m) {
        List<Element> elements = elements(dom);
        Element root = dom.getDocumentElement();
        Element target = elements.get(m.a() % elements.size());
        switch (m.kind()) {
            case DROP -> {
                if (target != root) {
                    target.getParentNode().removeChild(target);
                }
            }
            case DUPLICATE -> {
                if (target != root) {
                    target.getParentNode().insertBefore(target.cloneNode(true), target.getNextSibling());
                }
            }
            case SWAP -> {
                Element other = elements.get(m.b() % elements.size());
                if (target != root && other != root && target.getParentNode() == other.getParentNode() && target != other) {
                    Node parent = target.getParentNode();
                    Node marker = dom.createComment("swap");
                    parent.replaceChild(marker, target);
                    parent.replaceChild(target, other);
                    parent.replaceChild(other, marker);
                }
            }
            case MOVE -> {
                Element to = elements.get(m.b() % elements.size());
                if (target != root && !isAncestor(target, to)) {
                    to.appendChild(target);
                }
            }
            case STRETCH -> {
                List<Node> texts = textNodes(dom);
                if (!texts.isEmpty()) {
                    texts.get(m.b() % texts.size()).setNodeValue(stretched(m.c()));
                }
            }
            case PLANT -> {
                List<Node> texts = textNodes(dom);
                if (!texts.isEmpty()) {
                    Node text = texts.get(m.b() % texts.size());
                    text.setNodeValue(m.c() % 2 == 0 ? MARKER : text.getNodeValue() + MARKER);
                }
            }
            case ATTRIBUTE -> {
                String[][] choices = {
                        {"http://www.w3.org/2001/XMLSchema-instance", "xsi:type"}, {"http://www.w3.org/2001/XMLSchema-instance", "xsi:nil"},
                        {null, "skill"}, {null, "extra"}, {"http://www.w3.org/XML/1998/namespace", "xml:lang"}, {"urn:" + "x", "x:attr"}};
                String[] choice = choices[m.b() % choices.length];
                target.setAttributeNS(choice[0], choice[1], m.c() % 3 == 0 ? "xs:string" : MARKER);
            }
            case NEST -> {
                if (target != root) {
                    Node parent = target.getParentNode();
                    Element outer = dom.createElementNS(target.getNamespaceURI(), target.getTagName());
                    Element inner = outer;
                    for (int i = 0; i < m.b() % 150; i++) {
                        Element next = dom.createElementNS(target.getNamespaceURI(), target.getTagName());
                        inner.appendChild(next);
                        inner = next;
                    }
                    parent.replaceChild(outer, target);
                    inner.appendChild(target);
                }
            }
            case NAMESPACE -> {
                String[] namespaces = {"", "urn:schakel:common:1", "urn:schakel:transfer-dossier:1", "urn:schakel:acknowledgement:1", "urn:" + MARKER};
                dom.renameNode(target, namespaces[m.b() % namespaces.length].isEmpty() ? null : namespaces[m.b() % namespaces.length],
                        target.getLocalName());
            }
            case REPLACE -> {
                // an element's content replaced by a sibling's: a value in the wrong place
                Element other = elements.get(m.b() % elements.size());
                if (target != root && !isAncestor(target, other) && !isAncestor(other, target)) {
                    target.setTextContent(other.getTextContent());
                }
            }
            case RENAME -> {
                String[] names = {"messageId", "code", "kind", "pupil", "given", "refersTo", "sender", "x"};
                dom.renameNode(target, target.getNamespaceURI(), names[m.b() % names.length]);
            }
            default -> {
                // a byte mutation
            }
        }
    }

    /** A value at or just past a limit of the schemas (codes 6, ids 64, short text 200, long text 4000), or far past. */
    static String stretched(int c) {
        int[] lengths = {0, 1, 2, 3, 5, 6, 7, 19, 20, 21, 63, 64, 65, 199, 200, 201, 3999, 4000, 4001, 70_000, 1_000_000};
        String[] fillers = {MARKER + " ", "9", "A", " ", "\u00e9", "\uD83D\uDE00", "&", "-"};
        int length = lengths[c % lengths.length];
        String filler = fillers[(c / lengths.length) % fillers.length];
        StringBuilder out = new StringBuilder(length + filler.length());
        while (out.length() < length) {
            out.append(filler);
        }
        String value = out.substring(0, Math.min(length, out.length()));
        // not cut between the halves of a surrogate pair: an unpaired one cannot be written as XML at all
        return !value.isEmpty() && Character.isHighSurrogate(value.charAt(value.length() - 1)) ? value.substring(0, value.length() - 1) : value;
    }

    static byte[] mutateBytes(byte[] bytes, Mutation m, boolean xml) {
        int n = bytes.length;
        switch (m.kind()) {
            case FLIP -> {
                if (n > 0) {
                    bytes = bytes.clone();
                    bytes[m.a() % n] ^= (byte) (1 << (m.b() % 8));
                }
            }
            case FLIP_NEAR_MARKER -> {
                int at = indexOf(bytes, MARKER.getBytes(StandardCharsets.US_ASCII), m.c() % Math.max(1, n));
                if (at < 0) {
                    at = indexOf(bytes, MARKER.getBytes(StandardCharsets.US_ASCII), 0);
                }
                if (at >= 0) {
                    int p = Math.max(0, Math.min(n - 1, at - 3 + m.a() % (MARKER.length() + 6)));
                    bytes = bytes.clone();
                    // a markup character in or beside the value: '>' lost, '<' or a quote gained
                    byte[] replacements = {'<', '>', '"', '\'', '&', '/', ' ', 'x', 0, (byte) 0xC3};
                    bytes[p] = replacements[m.b() % replacements.length];
                }
            }
            case INSERT -> {
                byte[] insert = {(byte) m.b(), (byte) (m.b() >> 8), (byte) m.c()};
                int p = n == 0 ? 0 : m.a() % (n + 1);
                byte[] out = new byte[n + insert.length];
                System.arraycopy(bytes, 0, out, 0, p);
                System.arraycopy(insert, 0, out, p, insert.length);
                System.arraycopy(bytes, p, out, p + insert.length, n - p);
                bytes = out;
            }
            case TRUNCATE -> bytes = java.util.Arrays.copyOf(bytes, n == 0 ? 0 : m.a() % n);
            case REPEAT_SPAN -> {
                if (n > 0) {
                    int from = m.a() % n;
                    int to = Math.min(n, from + 1 + m.b() % 200);
                    int times = 1 + m.c() % 50;
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    out.write(bytes, 0, to);
                    for (int i = 0; i < times; i++) {
                        out.write(bytes, from, to - from);
                    }
                    out.write(bytes, to, n - to);
                    bytes = out.toByteArray();
                }
            }
            case ENCODING -> bytes = reencode(bytes, m, xml);
            case BOM -> {
                byte[][] boms = {{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xFF, (byte) 0xFE},
                        {0, 0, (byte) 0xFE, (byte) 0xFF}};
                byte[] bom = boms[m.a() % boms.length];
                byte[] out = new byte[n + bom.length];
                System.arraycopy(bom, 0, out, 0, bom.length);
                System.arraycopy(bytes, 0, out, bom.length, n);
                bytes = out;
            }
            case DOCTYPE -> {
                if (xml) {
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    int root = text.indexOf("<", text.startsWith("<?") ? text.indexOf("?>") : 0);
                    String doctype = "<!DOCTYPE x [<!ENTITY e \"" + MARKER + "\">]>";
                    bytes = root < 0 ? bytes : (text.substring(0, root) + doctype + text.substring(root)).getBytes(StandardCharsets.ISO_8859_1);
                }
            }
            case VERSION_1_1 -> bytes = replaceFirst(bytes, "version=\"1.0\"", "version=\"1.1\"");
            case CONTROL_REFERENCE -> bytes = replaceFirst(bytes, MARKER, xml ? "&#x" + Integer.toHexString(1 + m.a() % 31) + ";" + MARKER
                    : "\\u00" + String.format("%02x", m.a() % 32) + MARKER);
            case DUPLICATE_KEY -> {
                if (!xml) {
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    java.util.regex.Matcher pair = java.util.regex.Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"[^\"]*\"|[\\w.\\-]+)\\s*,").matcher(text);
                    List<int[]> found = new ArrayList<>();
                    while (pair.find()) {
                        found.add(new int[] {pair.start(), pair.end()});
                    }
                    if (!found.isEmpty()) {
                        int[] p = found.get(m.a() % found.size());
                        String copy = text.substring(p[0], p[1]);
                        bytes = (text.substring(0, p[1]) + copy + text.substring(p[1])).getBytes(StandardCharsets.UTF_8);
                    }
                }
            }
            default -> {
                // a tree mutation
            }
        }
        return bytes;
    }

    /** The document in another encoding, declared or not, with the declaration saying so or not. */
    private static byte[] reencode(byte[] bytes, Mutation m, boolean xml) {
        String[] charsets = {"UTF-16", "UTF-16LE", "UTF-16BE", "ISO-8859-1", "US-ASCII", "UTF-32", "windows-1252", "IBM037"};
        String name = charsets[m.a() % charsets.length];
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean declare = m.b() % 2 == 0;
        boolean convert = m.c() % 3 != 0;
        if (xml && declare) {
            String declared = m.c() % 5 == 0 ? "x-" + MARKER : name;
            text = text.replaceFirst("encoding=\"[^\"]*\"", "encoding=\"" + declared + "\"");
        }
        if (!convert) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return text.getBytes(Charset.forName(name));
    }

    // ---------------------------------------------------------------- mutating JSON

    static byte[] mutateJson(List<Mutation> mutations, String replacement) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode tree = mapper.readTree(jsonBase.text());
        for (Mutation m : mutations) {
            tree = mutateJsonTree(tree, m, replacement, mapper);
        }
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
        for (Mutation m : mutations) {
            bytes = mutateBytes(bytes, m, false);
        }
        return bytes;
    }

    private static JsonNode mutateJsonTree(JsonNode tree, Mutation m, String replacement, ObjectMapper mapper) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(tree, containers);
        JsonNode container = containers.get(m.a() % containers.size());
        switch (m.kind()) {
            case DROP -> {
                if (container instanceof ObjectNode o && o.size() > 0) {
                    o.remove(fieldNames(o).get(m.b() % o.size()));
                } else if (container instanceof ArrayNode a && a.size() > 0) {
                    a.remove(m.b() % a.size());
                }
            }
            case DUPLICATE -> {
                if (container instanceof ArrayNode a && a.size() > 0) {
                    a.add(a.get(m.b() % a.size()).deepCopy());
                } else if (container instanceof ObjectNode o && o.size() > 0) {
                    String name = fieldNames(o).get(m.b() % o.size());
                    o.set(name + "Copy", o.get(name).deepCopy());
                }
            }
            case SWAP, MOVE -> {
                if (container instanceof ObjectNode o && o.size() > 1) {
                    // the same properties in another order
                    List<String> names = fieldNames(o);
                    java.util.Collections.rotate(names, 1 + m.b() % (names.size() - 1));
                    ObjectNode copy = o.deepCopy();
                    o.removeAll();
                    names.forEach(k -> o.set(k, copy.get(k)));
                }
            }
            case STRETCH, PLANT, REPLACE, NEST, RENAME, ATTRIBUTE, NAMESPACE -> {
                if (container instanceof ObjectNode o && o.size() > 0) {
                    String name = fieldNames(o).get(m.b() % o.size());
                    JsonNode value = switch (m.kind()) {
                        case STRETCH -> TextNode.valueOf(stretched(m.c()));
                        case PLANT -> TextNode.valueOf(MARKER);
                        case REPLACE -> parseOr(mapper, replacement);
                        case NEST -> nested(o.get(name), m.c() % 150);
                        default -> o.get(name);
                    };
                    if (m.kind() == Kind.RENAME || m.kind() == Kind.NAMESPACE) {
                        o.remove(name);
                        o.set(m.kind() == Kind.RENAME ? "favouriteColour" : "x:" + name, value);
                    } else if (m.kind() == Kind.ATTRIBUTE) {
                        o.put("schemaVersion", m.c() % 2 == 0 ? "2.0" : MARKER);
                    } else {
                        o.set(name, value);
                    }
                }
            }
            default -> {
                // a byte mutation
            }
        }
        return tree;
    }

    private static JsonNode parseOr(ObjectMapper mapper, String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            return TextNode.valueOf(MARKER);
        }
    }

    private static JsonNode nested(JsonNode value, int depth) {
        JsonNode out = value;
        for (int i = 0; i < depth; i++) {
            ArrayNode wrap = JsonNodeFactory.instance.arrayNode();
            wrap.add(out);
            out = wrap;
        }
        return out;
    }

    private static void collectContainers(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            into.add(node);
            node.forEach(child -> collectContainers(child, into));
        }
    }

    private static List<String> fieldNames(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---------------------------------------------------------------- helpers

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static String serialise(Document dom) throws Exception {
        Transformer t = TransformerFactory.newDefaultInstance().newTransformer();
        t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        StringWriter out = new StringWriter();
        t.transform(new DOMSource(dom), new StreamResult(out));
        return out.toString();
    }

    static List<Element> elements(Document dom) {
        List<Element> all = new ArrayList<>();
        NodeList list = dom.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < list.getLength(); i++) {
            all.add((Element) list.item(i));
        }
        return all;
    }

    static List<Node> textNodes(Document dom) {
        List<Node> texts = new ArrayList<>();
        collectTexts(dom.getDocumentElement(), texts);
        return texts;
    }

    private static void collectTexts(Node node, List<Node> into) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.TEXT_NODE && !child.getNodeValue().isBlank()) {
                into.add(child);
            } else if (child.getNodeType() == Node.ELEMENT_NODE) {
                collectTexts(child, into);
            }
        }
        if (node instanceof Element e) {
            for (int i = 0; i < e.getAttributes().getLength(); i++) {
                Attr a = (Attr) e.getAttributes().item(i);
                if (!a.getName().startsWith("xmlns")) {
                    // attribute values are values too: a text node stand-in is not needed, the attribute node takes the value
                    into.add(a);
                }
            }
        }
    }

    private static boolean isAncestor(Node ancestor, Node node) {
        for (Node n = node; n != null; n = n.getParentNode()) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] replaceFirst(byte[] bytes, String what, String with) {
        int at = indexOf(bytes, what.getBytes(StandardCharsets.UTF_8), 0);
        if (at < 0) {
            return bytes;
        }
        byte[] w = with.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length - what.length() + w.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(w, 0, out, at, w.length);
        System.arraycopy(bytes, at + what.length(), out, at + w.length, bytes.length - at - what.length());
        return out;
    }
}
