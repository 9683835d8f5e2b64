package nl.schakel.validation;

import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.oso.OsoMapping;
import nl.schakel.oso.OsoMappingException;
import org.w3c.dom.Document;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static nl.schakel.validation.ValidationError.Stage.CONTEXT;

/**
 * Whether an accepted document can be put in the format its receiver takes (docs/OSO-MAPPING.md):
 * an OSO dossier for a v1 or JSON receiver, a v1 dossier for an OSO receiver. What the mapping cannot
 * do (an OSO dossier with a birth month but no birth date, or without its pupil category) is a
 * rejection with a receipt at intake, never a failure after the sender was told ACCEPTED.
 */
final class Mappability {
    private static final OffsetDateTime ANY_MOMENT = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private final Directory directory;
    private final OsoMapping mapping = new OsoMapping();

    /** {@code directory} null (an offline check): the receiver's format is not known, nothing is checked. */
    Mappability(Directory directory) {
        this.directory = directory;
    }

    List<ValidationError> check(DocumentType type, Document document, java.util.Map<String, String> fields) {
        if (directory == null || document == null) {
            return List.of();
        }
        Optional<Institution> sender = directory.find(fields.get("sender"));
        Optional<Institution> receiver = directory.find(fields.get("receiver"));
        if (sender.isEmpty() || receiver.isEmpty()) {
            return List.of();
        }
        boolean toOso = receiver.get().format() == Institution.Format.OSO;
        try {
            if (!type.isV1() && type.mapping() != null && !toOso) {
                mapping.toV1(document, fields.getOrDefault("messageId", "check"), OsoMapping.Party.of(sender.get()), OsoMapping.Party.of(receiver.get()), ANY_MOMENT);
            } else if (type.isV1() && toOso && "dossier".equals(type.messageType())) {
                mapping.toOso(document, OsoMapping.Party.of(sender.get()), OsoMapping.Party.of(receiver.get()), ANY_MOMENT);
            }
            return List.of();
        } catch (OsoMappingException e) {
            // the mapping's messages name element paths only, never values
            return List.of(ValidationError.atPath(CONTEXT, "CTX-NOT-MAPPABLE", "The receiver " + receiver.get().code() + " takes "
                    + (toOso ? "OSO" : "Schakel v1") + " and this document cannot be put in that form: " + e.getMessage() + ".", "receiver"));
        }
    }
}
