package nl.schakel.oso;

import nl.schakel.model.common.InstitutionKind;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * The mapping between the national transfer dossier OSO gegevensset 2019.1 and Schakel's own transfer
 * dossier v1 (docs/OSO-MAPPING.md says field by field what maps and what is not carried).
 *
 * <p>Instance methods on a stateless object: one instance may be shared by any number of threads.
 * No Camel, no I/O; input is a namespace-aware DOM, output is UTF-8 XML bytes written with StAX.
 *
 * <p>Opt-outs are respected: data in an OSO category whose status is OPT-UIT or VERBODEN never reaches
 * the v1 dossier, even if the OSO input still holds some; v1's derivedFrom lists such categories.
 * Exceptions ({@link OsoMappingException}) name element paths only, never pupil data.
 */
public final class OsoMapping {
    public static final String OSO_2019_NAMESPACE = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier";
    /** Version of the OSO standard this mapping reads and writes (standaardversie). */
    public static final String OSO_VERSION = "2019.1";

    /** The parties as the gateway's directory knows them; codes are 6-char institution codes like 30AA00, kinds are v1 InstitutionKind values (PO, VO, ISK, ...). */
    public record Party(String code, String kind, String name) {

        /** The institution as the gateway's directory knows it; its code stands in for a name it lacks. */
        public static Party of(nl.schakel.directory.Institution i) {
            return new Party(i.code(), i.kind().value(), i.name() == null || i.name().isBlank() ? i.code() : i.name());
        }

        public Party {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(kind, "kind");
            if (!nl.schakel.directory.Directory.isCode(code)) {
                throw new OsoMappingException("party code is not an institution code (BRIN plus vestiging)");
            }
            try {
                InstitutionKind.fromValue(kind);
            } catch (IllegalArgumentException e) {
                throw new OsoMappingException("party kind is not a v1 InstitutionKind");
            }
            if (name != null && (name.isBlank() || name.length() > 200)) {
                throw new OsoMappingException("party name must be 1 to 200 characters");
            }
        }
    }

    /**
     * An OSO dossier (namespace-aware DOM, already schema-valid) as a Schakel v1 transfer dossier, XML bytes
     * valid against schemas/transfer-dossier-v1.xsd. created = mappedAt.
     *
     * @throws OsoMappingException when the dossier lacks what v1 cannot do without (pupil name, birth date),
     *                             or the leerling category is not delivered
     */
    public byte[] toV1(Document oso, String messageId, Party sender, Party receiver, OffsetDateTime mappedAt) {
        Objects.requireNonNull(oso, "oso");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(mappedAt, "mappedAt");
        if (messageId == null || !messageId.matches("[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}")) {
            throw new OsoMappingException("messageId is not a v1 MessageId");
        }
        return new OsoToV1(oso, messageId, sender, receiver, mappedAt).map();
    }

    /**
     * A Schakel v1 transfer dossier (DOM) as an OSO 2019.1 dossier, XML bytes valid against the OSO XSD.
     * The sender becomes huidigeschool; the receiver only decides metadata/overstap (an OSO dossier does not
     * name its receiver). metadata/datum = the date of mappedAt.
     *
     * @throws OsoMappingException when the v1 sender is not {@code sender}
     */
    public byte[] toOso(Document v1, Party sender, Party receiver, OffsetDateTime mappedAt) {
        Objects.requireNonNull(v1, "v1");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(mappedAt, "mappedAt");
        return new V1ToOso(v1, sender, receiver, mappedAt).map();
    }

    /**
     * Parses XML as the gateway does: namespace-aware, DOCTYPE disallowed, nothing external.
     * A convenience for callers holding bytes; the mapping itself takes a DOM.
     */
    public static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = nl.schakel.validation.SafeXml.documentBuilders();
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        } catch (SAXException | IOException e) {
            // the parser's message may quote the document; say only that it is not readable
            throw new OsoMappingException("the document is not well-formed XML or declares a DOCTYPE");
        }
    }
}
