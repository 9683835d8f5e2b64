package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

import java.util.List;

/**
 * Stamps every message with the broker-validated login of the session that sent it, over any
 * protocol (Core, AMQP), replacing whatever the client put in that property. The gateway takes
 * the sender from this stamp only.
 * <p>
 * On a message to gateway.inbound it also drops every property the client set (application
 * properties, and the JMSCorrelationID and JMSType a Core client keeps among them), keeping only the
 * broker's own (_AMQ_*) and schakelReceiver when it is an institution code: the gateway uses none of them, and Artemis writes a message's properties
 * into its log when it dead-letters or expires the message, where a client's property (a pupil's
 * name) must not end up.
 * <p>
 * The embedded broker registers it in code; a standalone Artemis broker loads it from the
 * {@code broker-plugins} jar in its {@code lib/} (deploy/artemis/README.md), configured in broker.xml with
 * {@code <broker-plugin class-name="nl.schakel.broker.SenderStampPlugin"/>}; it has no properties. (broker.xml
 * takes only an {@link ActiveMQServerPlugin}, the interface of every plugin kind, hence not the message one.)
 */
public final class SenderStampPlugin implements ActiveMQServerPlugin {
    static final String PROPERTY = "schakelValidatedUser";
    /** The one client property kept: the receiver of a document that names none (an OSO dossier), an institution code. */
    static final String RECEIVER = "schakelReceiver";
    /** Stamped on every message to gateway.inbound: an id of the input that stays the same on every delivery of it. */
    public static final String INPUT_ID = "schakelInputId";
    private static final java.util.regex.Pattern INSTITUTION_CODE = java.util.regex.Pattern.compile("[0-9]{2}[A-Z]{2}[0-9]{2}");

    /** The one constructor, also the one Artemis calls for a broker.xml broker-plugin. */
    public SenderStampPlugin() {
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue) {
        String user = session.getValidatedUser();
        if (EmbeddedBroker.INBOUND.equals(message.getAddress())) {
            for (SimpleString name : List.copyOf(message.getPropertyNames())) {
                String n = name.toString();
                if (n.equals(RECEIVER)) {
                    // kept only as an institution code: anything else becomes a value the gateway rejects as unreadable
                    Object value = message.getObjectProperty(name);
                    if (value == null || !INSTITUTION_CODE.matcher(value.toString()).matches()) {
                        message.removeProperty(name);
                        message.putStringProperty(RECEIVER, "unreadable");
                    }
                } else if (!n.startsWith("_AMQ") && !n.startsWith("__AMQ")) {
                    message.removeProperty(name);
                }
            }
            // the message's own id, set once here and kept through redeliveries, a fail-over and the
            // conversion of an AMQP message for a Core consumer: a retake by any gateway instance keeps its
            // transfer id (a client's copy was removed above)
            message.putStringProperty(INPUT_ID, java.util.UUID.randomUUID().toString());
        }
        message.removeProperty(PROPERTY);
        if (user != null) {
            message.putStringProperty(PROPERTY, user);
        }
        message.reencode();

    }
}
