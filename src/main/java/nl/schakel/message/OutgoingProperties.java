package nl.schakel.message;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;

import java.util.Set;

/**
 * The properties a message the gateway sends (a dossier, answer or receipt on an inbox queue) may
 * carry: the documented ones, the gateway's own ids and the broker's duplicate-detection key.
 * Every other exchange header stays inside the gateway: a property or JMS header a client set on
 * its message (a pupil's name, a forged schakelReceiver, a JMSReplyTo or JMSCorrelationID) is
 * never passed on to a receiver or back in a receipt.
 */
public final class OutgoingProperties implements HeaderFilterStrategy {
    static final Set<String> ALLOWED = Set.of(Headers.TYPE, Headers.MESSAGE_ID, Headers.REFERS_TO, Headers.SENDER, Headers.FORMAT,
            Headers.RECEIPT_ID, Headers.TRANSFER_ID, Headers.DUPLICATE_ID);
    private final HeaderFilterStrategy incoming = new JmsHeaderFilterStrategy();

    /** True means: not sent. */
    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        return value == null || !ALLOWED.contains(name);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
        return incoming.applyFilterToExternalHeaders(name, value, exchange);
    }
}
