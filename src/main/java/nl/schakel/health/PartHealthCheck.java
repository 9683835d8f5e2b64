package nl.schakel.health;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * UP while a part of the gateway (the ledger's database, the embedded broker) works; DOWN says why.
 * A part whose absence the gateway waits out (the ledger: intake pauses and resumes by itself) is a
 * readiness check only; one the process cannot work without counts for liveness too.
 */
public final class PartHealthCheck extends AbstractHealthCheck {
    private final BooleanSupplier up;
    private final Supplier<String> whyDown;
    private final boolean liveness;

    public PartHealthCheck(String part, BooleanSupplier up, Supplier<String> whyDown) {
        this(part, true, up, whyDown);
    }

    public PartHealthCheck(String part, boolean liveness, BooleanSupplier up, Supplier<String> whyDown) {
        super("schakel", part);
        this.liveness = liveness;
        this.up = up;
        this.whyDown = whyDown;
    }

    @Override
    public boolean isLiveness() {
        return liveness;
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
