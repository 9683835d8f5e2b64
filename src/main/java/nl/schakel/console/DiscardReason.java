package nl.schakel.console;

/**
 * Why an operator discards failed work: a fixed list, so that no free text (which could name a
 * pupil) reaches the ledger or the sender's receipt. The label is what the receipt says.
 */
public enum DiscardReason {
    SENT_AGAIN("The sender has sent a corrected message instead."),
    SENDER_WITHDREW("The sender withdrew the message."),
    RECEIVER_HAS_IT("The receiver has the information by other means."),
    TEST_MESSAGE("It was a test message."),
    CANNOT_BE_DELIVERED("It cannot be delivered; please contact the receiving institution.");

    private final String label;

    DiscardReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
