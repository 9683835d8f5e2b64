package nl.schakel.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes the window in which a broker of the replicated pair that was frozen (SIGSTOP, a stopped VM, a
 * very long GC pause) past its ZooKeeper session takes sends after it thaws. Its backup holds the lock by
 * then and is active; the thawed broker learns it lost the lock only when its ZooKeeper client
 * reconnects, about a second later, and stops. A message it takes in that second is in its own journal
 * only and is lost when it stops (BrokerPairIT, part c, showed five). A network partition needs no fence:
 * the lock manager's client gives the lock up at a third of the session, before the backup can get it.
 * <p>
 * A thread ticks every {@code tick-ms}; a gap over {@code pause-ms} between ticks, seen by the thread or
 * by a send arriving before the thread ran again, means this JVM stood still. For {@code hold-ms} after
 * that, every send is refused (the client gets an error and sends again, to whichever broker is active);
 * consuming goes on (a message consumed twice is the gateway's ordinary duplicate). {@code pause-ms}
 * must be below the shortest freeze that can cost the lock, two thirds of the lock manager's
 * {@code session-ms} (the server may have last heard of it a third of a session before the freeze);
 * a third of it leaves room. A broker that kept its lock only refuses sends for {@code hold-ms}.
 * Configured in broker.xml (deploy/artemis/README.md); the embedded broker has no pair and no use for it.
 */
public final class PauseFencePlugin implements ActiveMQServerPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(PauseFencePlugin.class);
    public static final String PAUSE_MS = "pause-ms";
    public static final String HOLD_MS = "hold-ms";
    public static final String TICK_MS = "tick-ms";

    private final LongSupplier nanoTime;
    private long pauseNanos = TimeUnit.SECONDS.toNanos(6);
    private long holdNanos = TimeUnit.SECONDS.toNanos(10);
    private long tickMs = 100;
    private volatile long lastTick;
    private volatile long refuseUntil;
    private volatile boolean fencing;
    private ScheduledExecutorService ticker;

    /** For broker.xml: {@value #PAUSE_MS} (default 6000, a third of 18 s sessions), {@value #HOLD_MS} (10000), {@value #TICK_MS} (100). */
    public PauseFencePlugin() {
        this(System::nanoTime);
    }

    PauseFencePlugin(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastTick = nanoTime.getAsLong();
        this.refuseUntil = lastTick;
    }

    @Override
    public void init(Map<String, String> properties) {
        pauseNanos = TimeUnit.MILLISECONDS.toNanos(positive(properties, PAUSE_MS, 6000));
        holdNanos = TimeUnit.MILLISECONDS.toNanos(positive(properties, HOLD_MS, 10_000));
        tickMs = positive(properties, TICK_MS, 100);
        if (TimeUnit.MILLISECONDS.toNanos(tickMs) * 3 > pauseNanos) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + TICK_MS + " must be under a third of " + PAUSE_MS);
        }
    }

    @Override
    public void registered(ActiveMQServer server) {
        lastTick = nanoTime.getAsLong();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schakel-pause-fence");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void unregistered(ActiveMQServer server) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** The ticker's beat: notes a pause since the last one. */
    synchronized void tick() {
        long now = nanoTime.getAsLong();
        check(now);
        // only the ticker moves the beat on: a send arriving right after a freeze, before the ticker ran, sees the gap
        lastTick = now;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
            throws ActiveMQException {
        long now = nanoTime.getAsLong();
        check(now);
        if (fencing) {
            throw new ActiveMQException(ActiveMQExceptionType.ILLEGAL_STATE,
                    "This broker was paused and may no longer be the active one: send again (fail over to the active broker).");
        }
    }

    private synchronized void check(long now) {
        long gap = now - lastTick;
        if (gap > pauseNanos) {
            refuseUntil = now + holdNanos;
            if (!fencing) {
                LOG.warn("This JVM stood still for {} ms (over {} ms): refusing sends for {} ms, until the lock manager has caught up",
                        TimeUnit.NANOSECONDS.toMillis(gap), TimeUnit.NANOSECONDS.toMillis(pauseNanos), TimeUnit.NANOSECONDS.toMillis(holdNanos));
            }
            fencing = true;
        } else if (fencing && now - refuseUntil > 0) {
            fencing = false;
            LOG.warn("Taking sends again after a pause");
        }
    }

    boolean fencing() {
        return fencing;
    }

    private static long positive(Map<String, String> properties, String key, long fallback) {
        String value = properties == null ? null : properties.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(PauseFencePlugin.class.getSimpleName() + ": " + key + " is a positive number of ms, not '" + value + "'");
    }
}
