package nl.schakel.health;

import nl.schakel.disk.DiskGuard;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness: DOWN while the data folder's disk is below its free-space floor or the broker's disk is
 * beyond its limit, saying which, with the numbers; intake waits meanwhile and resumes by itself.
 */
public final class DiskHealthCheck extends AbstractHealthCheck {
    private final Supplier<DiskGuard.State> state;

    public DiskHealthCheck(Supplier<DiskGuard.State> state) {
        super("schakel", "disk");
        this.state = state;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        DiskGuard.State s = state.get();
        if (s == null) {
            builder.up();
            return;
        }
        builder.detail("data.free-bytes", s.dataFreeBytes());
        builder.detail("data.total-bytes", s.dataTotalBytes());
        builder.detail("data.min-free-bytes", s.dataMinFreeBytes());
        if (s.broker() != null && s.broker().monitored()) {
            builder.detail("broker.free-bytes", s.broker().usableBytes());
            builder.detail("broker.total-bytes", s.broker().totalBytes());
            builder.detail("broker.limit", s.broker().limit());
            builder.detail("broker.disk-full", s.broker().full());
        }
        s.problem().ifPresentOrElse(why -> builder.message(why).down(), builder::up);
    }
}
