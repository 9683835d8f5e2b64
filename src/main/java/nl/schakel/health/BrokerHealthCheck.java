package nl.schakel.health;

import nl.schakel.broker.EmbeddedBroker;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** UP while the embedded broker is active. */
public final class BrokerHealthCheck extends AbstractHealthCheck {
    private final EmbeddedBroker broker;

    public BrokerHealthCheck(EmbeddedBroker broker) {
        super("schakel", "broker");
        this.broker = broker;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (broker.isActive()) {
            builder.up();
        } else {
            builder.message("The embedded Artemis broker is not active").down();
        }
    }
}
