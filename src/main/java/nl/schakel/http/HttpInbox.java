package nl.schakel.http;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import nl.schakel.message.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An HTTP-channel institution's inbox: the messages waiting for it on the broker queue
 * inbox.&lt;code&gt;, as they wait for a queue institution. Listing and fetching browse the queue
 * (nothing is taken); an acknowledgement takes the one message, in a transaction, and only then is it
 * gone. An item's id is its JMS message id without the "ID:" prefix (a UUID).
 */
public final class HttpInbox {
    private static final Pattern ITEM_ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private final ConnectionFactory connections;

    public HttpInbox(ConnectionFactory connections) {
        this.connections = connections;
    }

    /** A waiting message as the API shows it: ids, type, size and time. */
    public record Item(String id, String type, String transferId, String messageId, String refersTo, String sender, String format,
                       long size, Instant queuedAt) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("type", type);
            m.put("transferId", transferId);
            m.put("messageId", messageId);
            m.put("refersTo", refersTo);
            m.put("sender", sender);
            m.put("format", format);
            m.put("size", size);
            m.put("queuedAt", queuedAt.toString());
            return m;
        }
    }

    /** A fetched message: what it is and its body as the institution receives it. */
    public record Fetched(Item item, byte[] body) {
    }

    public static boolean validId(String id) {
        return id != null && ITEM_ID.matcher(id).matches();
    }

    /** The first {@code limit} waiting messages, oldest first. */
    public List<Item> list(String code, int limit) throws JMSException {
        List<Item> items = new ArrayList<>();
        try (Connection c = connections.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue("inbox." + code))) {
            c.start();
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements() && items.size() < limit) {
                items.add(item((Message) e.nextElement()));
            }
        }
        return items;
    }

    public Optional<Fetched> fetch(String code, String id) throws JMSException {
        if (!validId(id)) {
            return Optional.empty();
        }
        try (Connection c = connections.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue("inbox." + code), selector(id))) {
            c.start();
            Enumeration<?> e = browser.getEnumeration();
            if (!e.hasMoreElements()) {
                return Optional.empty();
            }
            Message m = (Message) e.nextElement();
            return Optional.of(new Fetched(item(m), body(m)));
        }
    }

    /** What must be recorded before a message leaves the queue (the ledger's pick-up); a failure keeps it there. */
    @FunctionalInterface
    public interface BeforeRemoval {
        void record(Item item);
    }

    /**
     * Takes the message off the queue once {@code beforeRemoval} has recorded it; empty when it is not
     * (or no longer) there. When recording fails, the message stays and the failure goes to the caller.
     */
    public Optional<Item> acknowledge(String code, String id, BeforeRemoval beforeRemoval) throws JMSException {
        if (!validId(id)) {
            return Optional.empty();
        }
        try (Connection c = connections.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = s.createConsumer(s.createQueue("inbox." + code), selector(id))) {
            c.start();
            Message m = consumer.receive(2000);
            if (m == null) {
                s.rollback();
                return Optional.empty();
            }
            Item item = item(m);
            try {
                beforeRemoval.record(item);
            } catch (RuntimeException e) {
                s.rollback();
                throw e;
            }
            s.commit();
            return Optional.of(item);
        }
    }

    private static String selector(String id) {
        // the id matched ITEM_ID: no quote can end the literal
        return "JMSMessageID = 'ID:" + id + "'";
    }

    private static Item item(Message m) throws JMSException {
        String id = m.getJMSMessageID();
        long size = m instanceof BytesMessage b ? b.getBodyLength()
                : m instanceof TextMessage t && t.getText() != null ? t.getText().getBytes(StandardCharsets.UTF_8).length : 0;
        return new Item(id != null && id.startsWith("ID:") ? id.substring(3) : id, m.getStringProperty(Headers.TYPE),
                m.getStringProperty(Headers.TRANSFER_ID), m.getStringProperty(Headers.MESSAGE_ID), m.getStringProperty(Headers.REFERS_TO),
                m.getStringProperty(Headers.SENDER), m.getStringProperty(Headers.FORMAT), size, Instant.ofEpochMilli(m.getJMSTimestamp()));
    }

    private static byte[] body(Message m) throws JMSException {
        if (m instanceof BytesMessage b) {
            byte[] bytes = new byte[(int) b.getBodyLength()];
            b.readBytes(bytes);
            return bytes;
        }
        if (m instanceof TextMessage t) {
            return t.getText() == null ? new byte[0] : t.getText().getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }
}
