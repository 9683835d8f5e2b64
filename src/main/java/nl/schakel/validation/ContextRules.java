package nl.schakel.validation;

import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static nl.schakel.validation.ValidationError.Stage.CONTEXT;

/**
 * Rules that depend on the gateway's own state: the channel, the directory, the agreements, and
 * for an answer to a transfer (refersTo) that the transfer was delivered to the one answering.
 * Messages name institutions the directory knows and the channel owner, never a code as the
 * document wrote it: a field that is not a known code may hold anything (a name in the wrong place).
 */
final class ContextRules {
    /** The codes of the rules that need the directory: an offline check without one skips them. */
    static final List<String> NEED_DIRECTORY = List.of("CTX-UNKNOWN-SENDER", "CTX-UNKNOWN-RECEIVER", "CTX-SENDER-KIND-MISMATCH",
            "CTX-RECEIVER-KIND-MISMATCH", "CTX-NO-AGREEMENT", "CTX-RECEIVER-NOT-NAMED", "CTX-RECEIVER-CANNOT-READ");
    /** The code of the rule that needs the transfers delivered (the ledger): skipped without one. */
    static final String NEEDS_DELIVERIES = "CTX-NOT-YOUR-TRANSFER";

    private final Directory directory;
    private final DeliveredTransfers delivered;

    /** {@code directory} null: the rules that need it are skipped; {@code delivered} null: answers are not checked against deliveries. */
    ContextRules(Directory directory, DeliveredTransfers delivered) {
        this.directory = directory;
        this.delivered = delivered;
    }

    /** {@code channelNamedReceiver}: the channel named a receiver (read or not), so the document's lack of one is not the problem. */
    List<ValidationError> check(DocumentType type, Map<String, String> fields, String channelOwner, boolean channelNamedReceiver) {
        List<ValidationError> errors = new ArrayList<>();
        String sender = fields.get("sender");
        String receiver = fields.get("receiver");
        if (receiver == null && type.receiverFromChannel()) {
            // an offline check without a directory, or a receiver the channel named but unreadably (said already)
            if (directory != null && !channelNamedReceiver) {
                errors.add(ValidationError.atPath(CONTEXT, "CTX-RECEIVER-NOT-NAMED",
                        "A document of type " + type.id() + " names no receiver: name it on the channel, with the folder inbox/<your code>/<receiver code>/,"
                                + " the message property schakelReceiver, or the HTTP parameter receiver.", "receiver"));
            }
            if (sender != null && channelOwner != null && !channelOwner.equals(sender)) {
                errors.add(notChannelOwner(sender, channelOwner, directory != null && directory.find(sender).isPresent()));
            }
            return errors;
        }
        if (sender == null || receiver == null) {
            errors.add(ValidationError.at(CONTEXT, "CTX-PARTIES-UNREADABLE",
                    "The gateway cannot read both a sender and a receiver institution code from this document, so it cannot route it."));
            return errors;
        }
        Optional<Institution> from = directory == null ? Optional.empty() : directory.find(sender);
        Optional<Institution> to = directory == null ? Optional.empty() : directory.find(receiver);
        if (channelOwner != null && !channelOwner.equals(sender)) {
            errors.add(notChannelOwner(sender, channelOwner, from.isPresent()));
        }
        if (directory == null) {
            return errors;
        }
        if (from.isEmpty()) {
            errors.add(ValidationError.atPath(CONTEXT, "CTX-UNKNOWN-SENDER",
                    "The sender's code is not in the gateway's directory.", "sender"));
        }
        if (to.isEmpty()) {
            errors.add(ValidationError.atPath(CONTEXT, "CTX-UNKNOWN-RECEIVER",
                    "The receiver's code is not in the gateway's directory.", "receiver"));
        }
        if (to.isPresent() && !type.isV1() && type.mapping() == null && to.get().format() != Institution.Format.OSO) {
            errors.add(ValidationError.atPath(CONTEXT, "CTX-RECEIVER-CANNOT-READ",
                    "The receiver " + receiver + " takes " + to.get().format().name().toLowerCase(java.util.Locale.ROOT)
                            + " and the gateway has no mapping of " + type.id() + " to it; only receivers that take " + type.standard() + " can get it.",
                    "receiver"));
        }
        if (from.isPresent() && to.isPresent()) {
            kindMatches(errors, from.get(), fields.get("senderKind"), "sender");
            kindMatches(errors, to.get(), fields.get("receiverKind"), "receiver");
            String refersTo = fields.get("refersTo");
            if (refersTo != null && delivered != null && delivered.find(refersTo, receiver, sender).isEmpty()) {
                errors.add(ValidationError.atPath(CONTEXT, "CTX-NOT-YOUR-TRANSFER",
                        "No transfer with the message id in refersTo from " + receiver + " was delivered to " + sender
                                + "; only its receiver can answer it or report on it.", "refersTo"));
            }
            if (!directory.mayExchange(sender, receiver)) {
                errors.add(ValidationError.atPath(CONTEXT, "CTX-NO-AGREEMENT",
                        "No agreement allows " + sender + " (" + from.get().region() + ") and " + receiver + " ("
                                + to.get().region() + ") to exchange: institutions exchange within their region, or across regions under an agreement.",
                        "receiver"));
            }
        }
        return errors;
    }

    /** The sender's code is repeated only when the directory knows it (a field that is no known code may hold anything). */
    private static ValidationError notChannelOwner(String sender, String channelOwner, boolean known) {
        return ValidationError.atPath(CONTEXT, "CTX-SENDER-NOT-CHANNEL-OWNER",
                "The sender " + (known ? sender + " " : "") + "is not the owner of the channel the message arrived on ("
                        + channelOwner + "); an institution may only send as itself.", "sender");
    }

    private static void kindMatches(List<ValidationError> errors, Institution institution, String declaredKind, String role) {
        if (declaredKind != null && !declaredKind.equals(institution.kind().value())) {
            errors.add(ValidationError.atPath(CONTEXT, "CTX-" + role.toUpperCase() + "-KIND-MISMATCH",
                    "The " + role + " " + institution.code() + " is of kind " + institution.kind().value()
                            + " in the directory, not of the kind the document gives.", role + "/kind"));
        }
    }
}
