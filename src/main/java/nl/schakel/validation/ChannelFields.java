package nl.schakel.validation;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static nl.schakel.validation.ValidationError.Stage.CONTEXT;

/**
 * The routing fields the channel gives rather than the document: the receiver a channel names (the
 * receiver folder inbox/&lt;sender&gt;/&lt;receiver&gt;/, the schakelReceiver property, the HTTP
 * parameter receiver), and for a document type without a message id of its own (an OSO dossier)
 * the id derived from its content and receiver, so the same export sent again is a duplicate.
 */
final class ChannelFields {
    /** The hex digits of a derived message id: 128 bits. */
    private static final int DERIVED_ID_HEX = 32;

    private ChannelFields() {
    }

    /** Adds the channel's receiver and a derived message id to {@code fields}; the errors when the channel contradicts the document. */
    static List<ValidationError> apply(DocumentType type, Map<String, String> fields, String channelReceiver, String sha256) {
        String named = fields.get("receiver");
        if (channelReceiver != null) {
            if (!nl.schakel.directory.Directory.isCode(channelReceiver)) {
                // never repeated: a folder name or a property may hold anything
                return List.of(ValidationError.atPath(CONTEXT, "CTX-CHANNEL-RECEIVER-UNREADABLE",
                        "The receiver named on the channel (receiver folder, schakelReceiver property or receiver parameter) is not an institution code such as 30AB00.",
                        "receiver"));
            }
            if (named == null && type.receiverFromChannel()) {
                fields.put("receiver", channelReceiver);
            } else if (named != null && !named.equals(channelReceiver)) {
                return List.of(ValidationError.atPath(CONTEXT, "CTX-RECEIVER-NOT-CHANNEL-RECEIVER",
                        "The document's receiver " + named + " is not the receiver named on the channel (" + channelReceiver + ").", "receiver"));
            }
        }
        String receiver = fields.get("receiver");
        if (type.messageIdFromContent() && !fields.containsKey("messageId") && receiver != null && sha256 != null) {
            fields.put("messageId", derivedMessageId(type, receiver, sha256));
        }
        return List.of();
    }

    /** {@code <type id>-<128 bits of SHA-256 over receiver and content>}: stable for the same bytes to the same receiver, no personal data. */
    static String derivedMessageId(DocumentType type, String receiver, String sha256) {
        String digest = MessageValidator.sha256((receiver + ":" + sha256).getBytes(StandardCharsets.US_ASCII));
        String prefix = type.id().length() > RoutingFields.MAX_ID_LENGTH - DERIVED_ID_HEX - 1
                ? type.id().substring(0, RoutingFields.MAX_ID_LENGTH - DERIVED_ID_HEX - 1) : type.id();
        return prefix + "-" + digest.substring(0, DERIVED_ID_HEX);
    }
}
