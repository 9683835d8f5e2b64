package nl.schakel;

import org.apache.camel.CamelContext;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The gateway's two clocks: the wall clock (UTC) for what it records, and a monotonic clock
 * (nanoseconds, System.nanoTime) that only measures elapsed time and never jumps. The monotonic one
 * tells a jump of the wall clock from time passing. A test binds its own as {@code schakelClocks}
 * in the registry before the gateway is configured.
 */
public record Clocks(Clock wall, LongSupplier monotonicNanos) {
    public static final String BEAN = "schakelClocks";
    public static final Clocks SYSTEM = new Clocks(Clock.systemUTC(), System::nanoTime);

    /** The clocks bound in the registry, or the system's. */
    public static Clocks of(CamelContext context) {
        Clocks bound = context.getRegistry().lookupByNameAndType(BEAN, Clocks.class);
        return bound == null ? SYSTEM : bound;
    }
}
