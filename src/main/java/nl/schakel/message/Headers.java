package nl.schakel.message;

/** Message headers (and JMS properties) the gateway sets. They carry codes and ids only. */
public final class Headers {
    /** Kind of message: dossier, acknowledgement, follow-up, receipt. */
    public static final String TYPE = "schakelType";
    public static final String CHANNEL_OWNER = "schakelChannelOwner";
    /** The receiver the channel names (receiver folder, schakelReceiver property, receiver parameter), for a document that names none. */
    public static final String CHANNEL_RECEIVER = "schakelChannelReceiver";
    /** accepted, rejected or duplicate. */
    public static final String OUTCOME = "schakelOutcome";
    public static final String DOCUMENT_TYPE = "schakelDocumentType";
    public static final String MESSAGE_ID = "schakelMessageId";
    public static final String SENDER = "schakelSender";
    public static final String RECEIVER = "schakelReceiver";
    public static final String TRANSITION_KIND = "schakelTransitionKind";
    /** For a receipt: the message id it is about. */
    public static final String REFERS_TO = "schakelRefersTo";
    public static final String RECEIPT_ID = "schakelReceiptId";
    /** For an acknowledgement: ACCEPTED or DECLINED. */
    public static final String DECISION = "schakelDecision";
    /** xml or json: the format of the body as the recipient prefers it. */
    public static final String FORMAT = "schakelFormat";
    /** Stamped by the broker: the login that sent the message. */
    public static final String VALIDATED_USER = "schakelValidatedUser";
    /** The ledger's id of this submission; its receipt has the same id. */
    public static final String TRANSFER_ID = "schakelTransferId";
    /** Artemis duplicate detection. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    public static final String VERDICT = "schakelVerdict";

    private Headers() {
    }
}
