package nl.schakel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test hook for the crash-window tests: with {@code schakel.test.halt-at=<point>} the JVM halts
 * (as on a kill -9, no shutdown hooks) the first time the flow reaches that point. Off by default;
 * the points and what a crash in each means are listed in docs/RELIABILITY.md.
 */
public final class CrashPoints {
    private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);
    private static volatile String haltAt = "";

    private CrashPoints() {
    }

    static void configure(String point) {
        haltAt = point == null ? "" : point.trim();
        if (!haltAt.isEmpty()) {
            LOG.warn("TEST HOOK: the gateway halts when it reaches crash point '{}'", haltAt);
        }
    }

    public static void reach(String point) {
        if (!haltAt.isEmpty() && haltAt.equals(point)) {
            LOG.warn("TEST HOOK: halting at crash point '{}'", point);
            Runtime.getRuntime().halt(86);
        }
    }
}
