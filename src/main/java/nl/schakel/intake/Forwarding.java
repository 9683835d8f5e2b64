package nl.schakel.intake;

import nl.schakel.CrashPoints;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * Exactly once per sender and message id: the id is claimed in the ledger before the send and
 * confirmed after the broker took the message. A claim that was never confirmed (the gateway
 * stopped in between) is sent again; Artemis duplicate detection filters a real repeat.
 */
public final class Forwarding {
    public static final String CLAIM = "schakelClaim";
    private static final String SENT_AT = "schakelSentAt";
    private final Ledger ledger;
    private final Clock clock;

    public Forwarding(Ledger ledger) {
        this(ledger, Clock.systemUTC());
    }

    /** The clock is the ledger's: the QUEUED step's time goes on the same timeline as the others. */
    public Forwarding(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    public void claim(Exchange exchange) {
        Message in = exchange.getIn();
        Ledger.Claim claim = ledger.claim(in.getHeader(Headers.SENDER, String.class), in.getHeader(Headers.MESSAGE_ID, String.class),
                in.getHeader(Headers.TRANSFER_ID, String.class));
        in.setHeader(CLAIM, claim.kind().name());
        CrashPoints.reach("claimed");
        if (claim.kind() == Ledger.Claim.Kind.SENT && !byThisTransfer(in, claim)) {
            duplicateOf(exchange, claim.originalTransferId());
        }
    }

    /** Just before the send: the moment the message goes onto the receiver's queue. */
    public void sending(Exchange exchange) {
        exchange.setProperty(SENT_AT, OffsetDateTime.now(clock));
    }

    public void sent(Exchange exchange) {
        CrashPoints.reach("forwarded");
        Message in = exchange.getIn();
        String sender = in.getHeader(Headers.SENDER, String.class);
        String receiver = in.getHeader(Headers.RECEIVER, String.class);
        ledger.markQueued(sender, in.getHeader(Headers.MESSAGE_ID, String.class), in.getHeader(Headers.TRANSFER_ID, String.class), "inbox." + receiver,
                exchange.getProperty(SENT_AT, OffsetDateTime.now(clock), OffsetDateTime.class));
        CrashPoints.reach("confirmed");
        // an answer to a transfer: its step goes on the original transfer's timeline too
        String refersTo = in.getHeader(Headers.REFERS_TO, String.class);
        if (refersTo != null) {
            ledger.findDelivered(refersTo, receiver, sender).ifPresent(original -> {
                String type = in.getHeader(Headers.TYPE, String.class);
                if ("acknowledgement".equals(type)) {
                    ledger.record(original, "DECLINED".equals(in.getHeader(Headers.DECISION, String.class)) ? Status.DECLINED : Status.ACKNOWLEDGED,
                            in.getHeader(Headers.TRANSFER_ID, String.class));
                } else {
                    ledger.record(original, Status.FOLLOW_UP_RECEIVED, in.getHeader(Headers.TRANSFER_ID, String.class));
                }
            });
        }
    }

    /** The broker had the message already: an earlier attempt sent it. */
    public void refusedByBroker(Exchange exchange) {
        Message in = exchange.getIn();
        String sender = in.getHeader(Headers.SENDER, String.class);
        String messageId = in.getHeader(Headers.MESSAGE_ID, String.class);
        Ledger.Claim claim = ledger.claim(sender, messageId, in.getHeader(Headers.TRANSFER_ID, String.class));
        if (byThisTransfer(in, claim)) {
            // an earlier attempt of this same transfer sent it, and its confirmation was lost
            sent(exchange);
        } else {
            ledger.confirm(sender, messageId);
            duplicateOf(exchange, claim.originalTransferId());
        }
    }

    /** The claim is this transfer's own, from an earlier attempt (a redelivery after a technical failure): no duplicate. */
    private static boolean byThisTransfer(Message in, Ledger.Claim claim) {
        return claim.originalTransferId() != null && claim.originalTransferId().equals(in.getHeader(Headers.TRANSFER_ID, String.class));
    }

    private void duplicateOf(Exchange exchange, String originalTransferId) {
        exchange.getIn().setHeader(Headers.OUTCOME, "duplicate");
        ledger.markDuplicate(exchange.getIn().getHeader(Headers.TRANSFER_ID, String.class), originalTransferId);
    }
}
