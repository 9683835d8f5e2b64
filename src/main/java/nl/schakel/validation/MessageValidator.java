package nl.schakel.validation;

import nl.schakel.directory.Directory;
import org.w3c.dom.Document;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static nl.schakel.validation.ValidationError.Stage.PARSE;

/**
 * Validates a received message in stages, each with precise errors, each stage a class of its own:
 * 1. size, text and format, here (a large body from a spool file);
 * 2. safe reading and the XML Schema of the document type the root element names: {@link XmlReader},
 *    or for JSON {@link JsonReader}, which reads it into the generated model and checks the XML it stands for;
 * 3. the document type's business rules (Schematron, {@link RuleSet}), when the schema is satisfied;
 * 4. the routing fields ({@link RoutingFields}, {@link ChannelFields}) and the context rules from the
 *    gateway's own state (channel owner, directory, agreements: {@link ContextRules});
 * 5. for a receiver that takes another standard, that the document maps to it ({@link Mappability}).
 */
public final class MessageValidator {
    private final DocumentCatalogue catalogue;
    private final ContextRules context;
    private final int maxBytes;
    private final XmlReader xml;
    private final Spool spool;
    private final JsonReader json;
    private final RoutingFields routingFields = new RoutingFields();
    private final Mappability mappable;

    /** The context rules an offline check without a directory skips ({@link #offline}). */
    public static final List<String> CODES_NEEDING_DIRECTORY = ContextRules.NEED_DIRECTORY;
    /** The context rule an offline check always skips: whether an answer's transfer was delivered to its sender. */
    public static final String CODE_NEEDING_LEDGER = ContextRules.NEEDS_DELIVERIES;

    /**
     * The gateway's stages without the gateway's state, for checking files offline (schakel validate):
     * every body in memory, no ledger (an answer's transfer is not looked up), and with {@code directory}
     * null the context rules that need the directory are skipped.
     */
    public static MessageValidator offline(DocumentCatalogue catalogue, Directory directory, int maxBytes, int maxDepth) {
        return new MessageValidator(catalogue, directory, null, maxBytes, maxDepth, Spool.none());
    }

    public MessageValidator(DocumentCatalogue catalogue, Directory directory, int maxBytes, int maxDepth) {
        this(catalogue, directory, DeliveredTransfers.NONE, maxBytes, maxDepth, Spool.none());
    }

    public MessageValidator(DocumentCatalogue catalogue, Directory directory, DeliveredTransfers delivered, int maxBytes, int maxDepth,
                            Spool spool) {
        this.catalogue = catalogue;
        this.context = new ContextRules(directory, delivered);
        this.mappable = new Mappability(directory);
        this.maxBytes = maxBytes;
        this.spool = spool;
        this.xml = new XmlReader(catalogue, maxDepth);
        this.json = new JsonReader(catalogue, maxBytes, maxDepth);
    }

    /** Reads at most the size limit from {@code in} and validates it; {@code channelOwner} may be null. */
    public Verdict validate(InputStream in, String channelOwner) throws IOException {
        return validate(in, channelOwner, bytes -> { });
    }

    /**
     * As {@link #validate(InputStream, String)}, handing the bytes read to {@code received} when they
     * are held in memory. A body over the spool threshold goes to a spool file instead: the verdict's
     * {@link Verdict#large()} names it, and the caller deletes it when done.
     */
    public Verdict validate(InputStream in, String channelOwner, java.util.function.Consumer<byte[]> received) throws IOException {
        return validate(in, channelOwner, null, received);
    }

    /**
     * As {@link #validate(InputStream, String, java.util.function.Consumer)}, with the receiver the channel
     * names ({@code channelReceiver}, may be null): the receiver folder, the schakelReceiver property or
     * the HTTP parameter. A document type that names no receiver (an OSO dossier) takes it from there;
     * one that does must name the same.
     */
    public Verdict validate(InputStream in, String channelOwner, String channelReceiver, java.util.function.Consumer<byte[]> received)
            throws IOException {
        byte[] head = in.readNBytes((int) Math.min((long) spool.thresholdBytes() + 1, (long) maxBytes + 1));
        if (head.length > maxBytes) {
            return tooLarge(null);
        }
        if (head.length <= spool.thresholdBytes()) {
            received.accept(head);
            return validate(head, channelOwner, channelReceiver);
        }
        Path file = spool.newFile(".body");
        try {
            MessageDigest digest = sha256();
            long total = head.length;
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(head);
                digest.update(head);
                byte[] chunk = new byte[65536];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        out.close();
                        Files.deleteIfExists(file);
                        return tooLarge(null);
                    }
                    out.write(chunk, 0, n);
                    digest.update(chunk, 0, n);
                }
            }
            return validateLarge(file, HexFormat.of().formatHex(digest.digest()), head, channelOwner, channelReceiver, received);
        } catch (IOException | RuntimeException | Error e) {
            // the caller learns of the file only from a verdict: without one, it is ours to delete
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The verdict on a body its channel knows to be over the size limit without reading it. */
    public Verdict tooLarge() {
        return tooLarge(null);
    }

    /** {@code sha256} is null when the body was not read whole. */
    private Verdict tooLarge(String sha256) {
        return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-TOO-LARGE",
                "The message is larger than the limit of " + maxBytes + " bytes.")));
    }

    /**
     * A body over the spool threshold, validated from its spool file; {@code head} is its beginning.
     * A body that is not XML (JSON) is read into memory, validated one at a time like a large XML
     * body, and its spool file deleted; its bytes go to {@code received} only when it is rejected.
     */
    private Verdict validateLarge(Path file, String sha256, byte[] head, String channelOwner, String channelReceiver,
                                  java.util.function.Consumer<byte[]> received) throws IOException {
        int first = firstSignificant(head);
        try {
            if (first < 0 || looksBinary(head) || head[first] != '<') {
                return spool.exclusively(() -> {
                    byte[] bytes = Files.readAllBytes(file);
                    Files.delete(file);
                    Verdict verdict = validate(bytes, channelOwner, channelReceiver);
                    if (!verdict.accepted()) {
                        received.accept(bytes);
                    }
                    return verdict;
                });
            }
            XmlReader.Result read = spool.exclusively(() -> {
                try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 65536)) {
                    return xml.read(in, true);
                }
            });
            return judge(read.type(), read.document(), null, new LargeBody(file, read.elided()), read.schemaErrors(), channelOwner,
                    channelReceiver, sha256);
        } catch (RejectedInput e) {
            return rejected(null, RoutingFields.readBefore(e.messageId()), sha256, List.of(e.error()), new LargeBody(file, List.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to validate a large message", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    public Verdict validate(byte[] bytes, String channelOwner) {
        return validate(bytes, channelOwner, null);
    }

    /** As {@link #validate(byte[], String)}, with the receiver the channel names (may be null). */
    public Verdict validate(byte[] bytes, String channelOwner, String channelReceiver) {
        String sha256 = sha256(bytes);
        if (bytes.length > maxBytes) {
            return tooLarge(sha256);
        }
        int first = firstSignificant(bytes);
        if (first < 0) {
            return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-EMPTY", "The message is empty.")));
        }
        if (looksBinary(bytes)) {
            return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-NOT-TEXT",
                    "The message is binary data, not an XML or JSON document in UTF-8.")));
        }
        try {
            if (bytes[first] == '<') {
                return fromXml(bytes, channelOwner, channelReceiver, sha256);
            }
            if (bytes[first] == '{') {
                return fromJson(bytes, channelOwner, channelReceiver, sha256);
            }
            return rejected(null, Map.of(), sha256, List.of(ValidationError.at(PARSE, "PARSE-UNKNOWN-FORMAT",
                    "The message is neither XML (starting with '<') nor JSON (starting with '{').")));
        } catch (RejectedInput e) {
            return rejected(null, RoutingFields.readBefore(e.messageId()), sha256, List.of(e.error()));
        }
    }

    private Verdict fromXml(byte[] bytes, String channelOwner, String channelReceiver, String sha256) throws RejectedInput {
        XmlReader.Result read = xml.read(bytes);
        return judge(read.type(), read.document(), bytes, null, read.schemaErrors(), channelOwner, channelReceiver, sha256);
    }

    private Verdict fromJson(byte[] bytes, String channelOwner, String channelReceiver, String sha256) throws RejectedInput {
        JsonReader.Result read = json.read(bytes);
        if (!read.readErrors().isEmpty()) {
            return rejected(null, RoutingFields.readBefore(read.messageId()), sha256, read.readErrors());
        }
        return judge(read.type(), read.document(), read.xml(), null, read.schemaErrors(), channelOwner, channelReceiver, sha256);
    }

    private Verdict judge(DocumentType type, Document document, byte[] xmlBytes, LargeBody large, List<ValidationError> schemaErrors,
                          String channelOwner, String channelReceiver, String sha256) {
        List<ValidationError> errors = new ArrayList<>(schemaErrors);
        if (errors.isEmpty() && type.rules() != null) {
            errors.addAll(type.rules().check(document));
        }
        if (type.isV1() && derivedFrom(document)) {
            errors.add(ValidationError.atPath(ValidationError.Stage.CONTEXT, "CTX-DERIVED-FROM-BY-SENDER",
                    "derivedFrom marks a dossier the gateway mapped from another standard; a sender does not write it"
                            + " (it lifts the rules that require the newcomer elements).", "derivedFrom"));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        errors.addAll(routingFields.read(type, document, fields));
        errors.addAll(ChannelFields.apply(type, fields, channelReceiver, sha256));
        errors.addAll(context.check(type, fields, channelOwner, channelReceiver != null));
        if (errors.isEmpty()) {
            errors.addAll(mappable.check(type, document, fields));
        }
        return errors.isEmpty() ? new Verdict(type, fields, xmlBytes, List.of(), sha256, document, large)
                : rejected(type, fields, sha256, errors, large);
    }

    /** Whether a v1 document has a derivedFrom child: only the gateway's mapping writes one. */
    private static boolean derivedFrom(Document document) {
        org.w3c.dom.Element root = document == null ? null : document.getDocumentElement();
        return root != null && root.getElementsByTagNameNS(root.getNamespaceURI(), "derivedFrom").getLength() > 0;
    }

    private static Verdict rejected(DocumentType type, Map<String, String> fields, String sha256, List<ValidationError> errors) {
        return rejected(type, fields, sha256, errors, null);
    }

    /** {@code large} is the spool file of a large body, kept for the quarantine; null otherwise. */
    private static Verdict rejected(DocumentType type, Map<String, String> fields, String sha256, List<ValidationError> errors,
                                    LargeBody large) {
        return new Verdict(type, fields, null, List.copyOf(errors), sha256, null, large);
    }

    private static int firstSignificant(byte[] bytes) {
        int i = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        for (; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Control bytes other than tab, CR and LF in the first 8 KB mean binary data. */
    private static boolean looksBinary(byte[] bytes) {
        int end = Math.min(bytes.length, 8192);
        for (int i = 0; i < end; i++) {
            int b = bytes[i] & 0xFF;
            if (b < 0x20 && b != '\t' && b != '\r' && b != '\n') {
                return true;
            }
        }
        return false;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

}
