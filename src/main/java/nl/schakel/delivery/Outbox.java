package nl.schakel.delivery;

import nl.schakel.intake.Headers;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import org.apache.camel.Exchange;
import org.apache.camel.Message;


/** Prepares a message from an institution's queue for its outbox folder: a file name from its ids. */
public final class Outbox {
    private final Ledger ledger;

    public Outbox(Ledger ledger) {
        this.ledger = ledger;
    }

    public void prepare(Exchange exchange, String code) {
        Message in = exchange.getIn();
        String type = in.getHeader(Headers.TYPE, "message", String.class);
        String base = switch (type) {
            case "receipt" -> "receipt-" + in.getHeader(Headers.REFERS_TO, "unidentified", String.class) + "-" + in.getHeader(Headers.RECEIPT_ID, String.class);
            default -> type + "-" + in.getHeader(Headers.SENDER, String.class) + "-" + in.getHeader(Headers.MESSAGE_ID, String.class);
        };
        in.setHeader(Exchange.FILE_NAME, base + ("json".equals(in.getHeader(Headers.FORMAT, String.class)) ? ".json" : ".xml"));
    }

    /** The file is in the outbox: the transfer's timeline says the receiver can pick it up. */
    public void written(Exchange exchange, String code) {
        Message in = exchange.getIn();
        String transferId = in.getHeader(Headers.TRANSFER_ID, String.class);
        if ("dossier".equals(in.getHeader(Headers.TYPE, String.class)) && transferId != null) {
            ledger.record(transferId, Status.PICKED_UP, "file outbox/" + code + "/" + in.getHeader(Exchange.FILE_NAME, String.class));
        }
    }

}
