package nl.schakel.broker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed broker logins, counted per user and source address, and per source address whatever
 * the user. After too many failures within a window, further logins of that user from that
 * address (or of anyone from that address) are refused for a while without the password being
 * checked. A user name that is no account is counted as one "unknown user" per address, so a
 * client cycling through invented names is held by the same counter and fills no memory.
 */
public final class LoginThrottle {
    /**
     * @param maxFailuresPerUser   failures of one user from one address within the window before a lock-out
     * @param maxFailuresPerSource failures from one address within the window, any user, before a lock-out
     * @param window               how long failures are counted together
     * @param lockout              how long a lock-out lasts
     */
    public record Settings(int maxFailuresPerUser, int maxFailuresPerSource, Duration window, Duration lockout) {
        /** The defaults of application.properties. */
        public static final Settings DEFAULT = new Settings(5, 20, Duration.ofMinutes(1), Duration.ofMinutes(5));

        public Settings {
            if (maxFailuresPerUser < 1 || maxFailuresPerSource < 1 || window.isNegative() || window.isZero()
                    || lockout.isNegative() || lockout.isZero()) {
                throw new IllegalArgumentException("login throttle: failure counts and durations must be positive");
            }
        }
    }

    /** What became of a failed login. */
    public enum Outcome { COUNTED, LOCKED_NOW }

    private static final int MAX_TRACKED = 10_000;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(Settings settings) {
        this(settings, System::nanoTime);
    }

    LoginThrottle(Settings settings, LongSupplier nanoTime) {
        this.settings = settings;
        this.nanoTime = nanoTime;
    }

    /** Failures within one window, and until when they lock the key out. */
    private static final class Failures {
        long windowStart;
        int count;
        long lockedUntil;
        boolean locked;
    }

    /** Whether a login of {@code account} (null: not an account) from {@code source} may be checked now. */
    public boolean allowed(String account, String source) {
        long now = nanoTime.getAsLong();
        return !locked(userKey(account, source), now) && !locked(sourceKey(source), now);
    }

    private boolean locked(String key, long now) {
        Failures f = failures.get(key);
        if (f == null) {
            return false;
        }
        synchronized (f) {
            return f.locked && now - f.lockedUntil < 0;
        }
    }

    /** Counts a failed login; says whether it has just locked the user or the address out. */
    public Outcome failed(String account, String source) {
        long now = nanoTime.getAsLong();
        if (failures.size() > MAX_TRACKED) {
            forgetExpired(now);
        }
        boolean user = count(userKey(account, source), settings.maxFailuresPerUser(), now);
        boolean address = count(sourceKey(source), settings.maxFailuresPerSource(), now);
        return user || address ? Outcome.LOCKED_NOW : Outcome.COUNTED;
    }

    /** A login that succeeded clears its user's failures from that address (not the address's own count). */
    public void succeeded(String account, String source) {
        failures.remove(userKey(account, source));
    }

    private boolean count(String key, int max, long now) {
        Failures f = failures.computeIfAbsent(key, k -> new Failures());
        synchronized (f) {
            if (f.count == 0 || now - f.windowStart > settings.window().toNanos()) {
                f.windowStart = now;
                f.count = 0;
            }
            f.count++;
            if (f.count >= max && !(f.locked && now - f.lockedUntil < 0)) {
                f.locked = true;
                f.lockedUntil = now + settings.lockout().toNanos();
                // after the lock-out the count starts again
                f.count = 0;
                return true;
            }
            return false;
        }
    }

    private void forgetExpired(long now) {
        failures.entrySet().removeIf(e -> {
            Failures f = e.getValue();
            synchronized (f) {
                boolean lockOver = !f.locked || now - f.lockedUntil >= 0;
                return lockOver && now - f.windowStart > settings.window().toNanos();
            }
        });
    }

    Settings settings() {
        return settings;
    }

    private static String userKey(String account, String source) {
        return "user " + (account == null ? "?" : account) + " " + source;
    }

    private static String sourceKey(String source) {
        return "source " + source;
    }
}
