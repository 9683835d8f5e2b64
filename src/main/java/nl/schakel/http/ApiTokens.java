package nl.schakel.http;

import nl.schakel.broker.LoginThrottle;
import nl.schakel.broker.Passwords;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Bearer tokens of the HTTP API, one per institution. A token is {@code <code>.<secret>}: the
 * institution it is for comes first, so that only that institution's hash is checked. The hashes
 * (nl.schakel.broker.Passwords format) are in a file outside the repository,
 * schakel.http.tokens-file, one line per institution: {@code 30AD00 = pbkdf2-sha256$...}. In demo
 * mode with the bundled directory the token of each institution is {@code demo-<code>}.
 * <p>
 * A verified token is remembered for a while by a SHA-256 digest of it (never the token), so the
 * PBKDF2 check (210,000 iterations) is not paid on every request. Failures are throttled per
 * institution and address, and per address, as broker logins are.
 */
public final class ApiTokens {
    private static final String DEMO_PREFIX = "demo-";
    private static final int MAX_CACHED = 10_000;
    /** Checked when a token names no institution with a token, so that costs as much as a wrong token. */
    private static final String DECOY = Passwords.hash("decoy".toCharArray());
    private final Map<String, String> hashes;
    private final Set<String> demoCodes;
    private final LoginThrottle throttle;
    private final long cacheNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(String code, long until) {
    }

    private ApiTokens(Map<String, String> hashes, Set<String> demoCodes, LoginThrottle throttle, long cacheMillis, LongSupplier nanoTime) {
        this.hashes = hashes;
        this.demoCodes = demoCodes;
        this.throttle = throttle;
        this.cacheNanos = cacheMillis * 1_000_000L;
        this.nanoTime = nanoTime;
    }

    /** Hashed tokens from the file; lines for institutions the directory does not list are refused. */
    public static ApiTokens fromFile(Path file, Collection<String> codes, LoginThrottle throttle, long cacheMillis) throws IOException {
        Map<String, String> hashes = new HashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("schakel.http.tokens-file line " + n + ": expected <code> = pbkdf2-sha256$...");
            }
            String code = t.substring(0, eq).strip();
            String hash = t.substring(eq + 1).strip();
            if (!codes.contains(code)) {
                throw new IllegalArgumentException("schakel.http.tokens-file line " + n + ": " + code + " is not in the directory");
            }
            if (!hash.startsWith("pbkdf2-sha256$")) {
                throw new IllegalArgumentException("schakel.http.tokens-file line " + n + ": not a pbkdf2-sha256 hash");
            }
            hashes.put(code, hash);
        }
        return new ApiTokens(Map.copyOf(hashes), Set.of(), throttle, cacheMillis, System::nanoTime);
    }

    /** Demo tokens demo-&lt;code&gt; for every institution of the bundled demo directory. */
    public static ApiTokens demo(Collection<String> codes, LoginThrottle throttle, long cacheMillis) {
        return new ApiTokens(Map.of(), Set.copyOf(codes), throttle, cacheMillis, System::nanoTime);
    }

    /** The institution the Authorization header's bearer token belongs to, if it is valid. */
    public Optional<String> institution(String authorization, String source) {
        if (authorization == null || authorization.length() > 512 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).strip();
        String digest = digest(token);
        long now = nanoTime.getAsLong();
        Cached hit = cache.get(digest);
        if (hit != null && now - hit.until() < 0) {
            return Optional.of(hit.code());
        }
        String code = codeOf(token);
        String account = code != null && (hashes.containsKey(code) || demoCodes.contains(code)) ? code : null;
        if (!throttle.allowed(account, source)) {
            return Optional.empty();
        }
        boolean valid;
        if (account == null) {
            // as long as a real check: the answer's time does not tell which institutions have a token
            Passwords.matches(token.toCharArray(), DECOY);
            valid = false;
        } else {
            valid = demoCodes.contains(account)
                    ? MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), (DEMO_PREFIX + account).getBytes(StandardCharsets.UTF_8))
                    : Passwords.matches(token.toCharArray(), hashes.get(account));
        }
        if (!valid) {
            throttle.failed(account, source);
            return Optional.empty();
        }
        throttle.succeeded(account, source);
        if (cache.size() > MAX_CACHED) {
            cache.clear();
        }
        cache.put(digest, new Cached(account, now + cacheNanos));
        return Optional.of(account);
    }

    /** The institution a token names: demo-&lt;code&gt;, or &lt;code&gt;.&lt;secret&gt;. */
    private static String codeOf(String token) {
        if (token.startsWith(DEMO_PREFIX)) {
            return token.substring(DEMO_PREFIX.length());
        }
        int dot = token.indexOf('.');
        return dot > 0 ? token.substring(0, dot) : null;
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new token for an institution: {@code <code>.<32 random bytes, base64url>}; give it to the institution, keep its hash. */
    public static String issue(String code) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return code + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
