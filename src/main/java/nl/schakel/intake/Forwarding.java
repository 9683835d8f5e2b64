package nl.schakel.intake;

import nl.schakel.message.Headers;
import nl.schakel.CrashPoints;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * Forwards an accepted message exactly once per sender and message id: the id is claimed in the
 * ledger before the send and confirmed after the broker took it; what each outcome means is
 * decided by {@link ExactlyOnce}.
 */
public final class Forwarding {
    public static final String CLAIM = "schakelClaim";
    /** Exchange property: for a duplicate, the transfer id of the submission that was delivered. */
    public static final String ORIGINAL_TRANSFER_ID = "schakelOriginalTransferId";
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
        ExactlyOnce.Decision decision = ExactlyOnce.onClaim(claim, in.getHeader(Headers.TRANSFER_ID, String.class));
        if (decision == ExactlyOnce.Decision.WAIT) {
            // another live instance forwards it: this input waits (the file stays, the message is redelivered)
            throw new nl.schakel.ledger.ClaimHeldException();
        }
        in.setHeader(CLAIM, decision.name());
        CrashPoints.reach("claimed");
        if (decision == ExactlyOnce.Decision.DUPLICATE) {
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
        if (ExactlyOnce.onBrokerRefusal(claim, in.getHeader(Headers.TRANSFER_ID, String.class)) == ExactlyOnce.Decision.SENT_BY_THIS_TRANSFER) {
            // an earlier attempt of this same transfer sent it, and its confirmation was lost
            sent(exchange);
        } else {
            ledger.confirm(sender, messageId);
            duplicateOf(exchange, claim.originalTransferId());
        }
    }

    private void duplicateOf(Exchange exchange, String originalTransferId) {
        exchange.getIn().setHeader(Headers.OUTCOME, "duplicate");
        // the HTTP API answers a repeat with the transfer that carried the message
        exchange.setProperty(ORIGINAL_TRANSFER_ID, originalTransferId);
        ledger.markDuplicate(exchange.getIn().getHeader(Headers.TRANSFER_ID, String.class), originalTransferId);
    }
}
