package nl.schakel.health;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** UP while a part of the gateway (the ledger's database, the embedded broker) works; DOWN says why. */
public final class PartHealthCheck extends AbstractHealthCheck {
    private final BooleanSupplier up;
    private final Supplier<String> whyDown;

    public PartHealthCheck(String part, BooleanSupplier up, Supplier<String> whyDown) {
        super("schakel", part);
        this.up = up;
        this.whyDown = whyDown;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (up.getAsBoolean()) {
            builder.up();
        } else {
            builder.message(whyDown.get()).down();
        }
    }
}
