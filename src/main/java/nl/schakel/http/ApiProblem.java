package nl.schakel.http;

import java.util.List;
import java.util.Map;

/**
 * An answer of the HTTP API that is not a success, as a problem details object (RFC 9457,
 * application/problem+json). Each kind has a stable type URI under {@link #BASE}; the list is in
 * the README ("Connecting over HTTPS"). Titles and details are the gateway's own words: never a
 * value from the request (a pupil's name could be in it).
 */
public final class ApiProblem extends RuntimeException {
    public static final String BASE = "https://schakel.example/problems/";

    /** The kinds of problem: HTTP status, the last part of the type URI, and a title. */
    public enum Kind {
        MALFORMED_DOCUMENT(400, "malformed-document", "The document could not be read"),
        BAD_REQUEST(400, "bad-request", "The request is not valid"),
        UNAUTHORIZED(401, "unauthorized", "A valid bearer token is needed"),
        NOT_FOUND(404, "not-found", "Not found"),
        NOT_ACCEPTABLE(406, "not-acceptable", "The document cannot be given in the format asked for"),
        REQUEST_TIMEOUT(408, "request-timeout", "The request was not received in time"),
        NO_HTTP_INBOX(409, "no-http-inbox", "This institution does not receive over HTTP"),
        PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is too large"),
        UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Send application/xml or application/json"),
        INVALID_DOCUMENT(422, "invalid-document", "The document was rejected"),
        TOO_MANY_REQUESTS(429, "too-many-requests", "Too many requests"),
        INTERNAL_ERROR(500, "internal-error", "The gateway could not process the request"),
        UNAVAILABLE(503, "unavailable", "The gateway cannot take requests now");

        final int status;
        final String slug;
        final String title;

        Kind(int status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String type() {
            return BASE + slug;
        }

        public String title() {
            return title;
        }
    }

    private final Kind kind;
    private final List<Map<String, Object>> errors;
    private final Map<String, Object> extra;
    private final Long retryAfterSeconds;

    public ApiProblem(Kind kind, String detail) {
        this(kind, detail, null, null, null);
    }

    public ApiProblem(Kind kind, String detail, List<Map<String, Object>> errors, Map<String, Object> extra, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.kind = kind;
        this.errors = errors;
        this.extra = extra;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public List<Map<String, Object>> errors() {
        return errors;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
