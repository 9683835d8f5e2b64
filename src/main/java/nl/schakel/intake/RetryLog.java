package nl.schakel.intake;

import nl.schakel.message.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each retry of a technical failure with the ids and exception classes only, never a message. */
public final class RetryLog implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(RetryLog.class);

    @Override
    public void process(Exchange exchange) {
        LOG.warn("Retrying transfer {} of {} (attempt {}) after {}", exchange.getProperty(Headers.TRANSFER_ID, String.class),
                exchange.getIn().getHeader(Headers.CHANNEL_OWNER, String.class),
                exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class),
                Failures.causes(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }
}
