package nl.schakel.intake;

import nl.schakel.validation.MessageValidator;
import nl.schakel.validation.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/** Validates what arrived on a channel and sets the routing headers from the verdict. */
public final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    private final MessageValidator validator;

    public Intake(MessageValidator validator) {
        this.validator = validator;
    }

    public void validate(Exchange exchange) throws IOException {
        Message in = exchange.getIn();
        String owner = in.getHeader(Headers.CHANNEL_OWNER, String.class);
        Verdict verdict;
        try (InputStream body = in.getMandatoryBody(InputStream.class)) {
            verdict = validator.validate(body, owner);
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IOException("the message has no readable body", e);
        }
        exchange.setProperty(Headers.VERDICT, verdict);
        in.setHeader(Headers.OUTCOME, verdict.accepted() ? "accepted" : "rejected");
        if (verdict.type() != null) {
            in.setHeader(Headers.DOCUMENT_TYPE, verdict.type().id());
        }
        in.setHeader(Headers.MESSAGE_ID, verdict.field("messageId"));
        in.setHeader(Headers.SENDER, verdict.field("sender"));
        in.setHeader(Headers.RECEIVER, verdict.field("receiver"));
        in.setHeader(Headers.TRANSITION_KIND, verdict.field("transitionKind"));
        if (verdict.accepted()) {
            in.setBody(verdict.xml());
        } else {
            in.setBody(null);
            LOG.info("Rejected message {} on channel {}: {}", verdict.field("messageId"), owner,
                    verdict.errors().stream().map(e -> e.code()).distinct().toList());
        }
    }
}
