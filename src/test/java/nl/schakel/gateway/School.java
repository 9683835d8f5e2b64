package nl.schakel.gateway;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A school administration system on Core/JMS, logged in to the gateway's broker over TCP as an institution. */
final class School implements AutoCloseable {
    final String code;
    final Connection connection;
    final Session session;

    private School(String code, Connection connection) throws JMSException {
        this.code = code;
        this.connection = connection;
        connection.start();
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    static School connect(int brokerPort, String code, String password) throws JMSException {
        return new School(code, factory(brokerPort, code, password).createConnection());
    }

    static School connect(int brokerPort, String code) throws JMSException {
        return connect(brokerPort, code, "demo-" + code);
    }

    static ActiveMQConnectionFactory factory(int brokerPort, String user, String password) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort, user, password);
        // one attempt per login: the client does not retry behind the test's back
        factory.setReconnectAttempts(0);
        factory.setInitialConnectAttempts(1);
        return factory;
    }

    BytesMessage bytes(String body) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(body.getBytes(StandardCharsets.UTF_8));
        return message;
    }

    void send(Message message) throws JMSException {
        session.createProducer(session.createQueue("gateway.inbound")).send(message);
    }

    /** The next message in this institution's inbox, or null after the timeout. */
    Message receive(long timeoutMs) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue("inbox." + code))) {
            return consumer.receive(timeoutMs);
        }
    }

    static String body(Message message) throws JMSException {
        BytesMessage bytes = (BytesMessage) message;
        byte[] content = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(content);
        bytes.reset();
        return new String(content, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static List<String> propertyNames(Message message) throws JMSException {
        return new ArrayList<>(Collections.list((java.util.Enumeration<String>) message.getPropertyNames()));
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
