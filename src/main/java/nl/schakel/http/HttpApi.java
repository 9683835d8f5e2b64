package nl.schakel.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import nl.schakel.delivery.Formats;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.intake.Forwarding;
import nl.schakel.intake.Intake;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.LedgerUnavailableException;
import nl.schakel.ledger.Page;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.ledger.TransferEvent;
import nl.schakel.ledger.TransferQuery;
import nl.schakel.message.Headers;
import nl.schakel.metrics.GatewayMetrics;
import nl.schakel.validation.ValidationError;
import nl.schakel.validation.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The HTTP API's steps, called by the routes in routes/http-api.camel.yaml: who is asking (bearer
 * token, rate limit), a submission handed to the shared intake as the channel "http" with the
 * authenticated institution as its owner, and the answers from the ledger and the broker. An
 * institution sees its own transfers and inbox only; anything else is "not found".
 */
public final class HttpApi {
    public static final String BASE_PATH = "/api/v1";
    /** Exchange property: the authenticated institution. */
    public static final String INSTITUTION = "schakelApiInstitution";
    /** Exchange property: the request's headers and query parameters the API reads (nothing else is kept). */
    private static final String REQUEST = "schakelApiRequest";
    /** Header for the route: whether the submission goes to intake (false: answered from the ledger). */
    public static final String TO_INTAKE = "schakelApiToIntake";
    private static final String REPLAY = "schakelApiReplay";
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern TRANSFER_ID = Pattern.compile("[A-Za-z0-9-]{1,40}");
    /** Statuses of a transfer that reached the receiver's queue: from then on the receiver may see it. */
    /** Where a transfer stands once it surely reached the receiver's queue (a FAILED or DISCARDED one may never have). */
    private static final Set<Status> REACHED_RECEIVER = EnumSet.of(Status.QUEUED, Status.PICKED_UP, Status.ACKNOWLEDGED, Status.DECLINED,
            Status.FOLLOW_UP_RECEIVED);
    /** A submission with an Idempotency-Key whose transfer stands here is answered from the ledger, not taken again. */
    private static final Set<Status> SETTLED = EnumSet.of(Status.REJECTED, Status.DUPLICATE, Status.QUEUED, Status.PICKED_UP,
            Status.ACKNOWLEDGED, Status.DECLINED, Status.FOLLOW_UP_RECEIVED, Status.FAILED, Status.RETRIED, Status.DISCARDED);
    private static final int PAGE_SIZE = 50;
    private final ApiTokens tokens;
    private final RateLimiter rateLimiter;
    private final Ledger ledger;
    private final Directory directory;
    private final HttpInbox inbox;
    private final Formats formats;
    private final GatewayMetrics metrics;
    private final long maxBytes;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** Why the API takes no submission of an institution now, if it does not (a guard holds intake, the operator suspended it). */
    private final java.util.function.Function<String, Optional<String>> intakeHeld;

    public HttpApi(ApiTokens tokens, RateLimiter rateLimiter, Ledger ledger, Directory directory, HttpInbox inbox, Formats formats,
                   GatewayMetrics metrics, long maxBytes, java.util.function.Function<String, Optional<String>> intakeHeld) {
        this.intakeHeld = intakeHeld;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.ledger = ledger;
        this.directory = directory;
        this.inbox = inbox;
        this.formats = formats;
        this.metrics = metrics;
        this.maxBytes = maxBytes;
    }

    /** What the API reads of a request: taken before every client header is removed from the exchange. */
    private record Request(String contentType, String accept, String idempotencyKey, Map<String, String> params) {
        String param(String name) {
            String v = params.get(name);
            return v == null || v.isBlank() ? null : v;
        }
    }

    /**
     * The first step of every operation: the bearer token names the institution, its rate limit
     * allows the request. Then no header the client sent stays on the exchange (a client's
     * schakelChannelOwner must not reach intake): what the API needs is kept aside.
     */
    public void authenticate(Exchange exchange) {
        Message in = exchange.getIn();
        String source = in.getHeader("CamelVertxPlatformHttpRemoteAddress", "?", String.class);
        int colon = source.lastIndexOf(':');
        source = colon > 0 ? source.substring(0, colon) : source;
        Optional<String> institution = tokens.institution(in.getHeader("Authorization", String.class), source);
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : List.of("id", "status", "since", "cursor", "role", "limit", "receiver")) {
            String v = in.getHeader(name, String.class);
            if (v != null) {
                params.put(name, v);
            }
        }
        Request request = new Request(in.getHeader("Content-Type", String.class), in.getHeader("Accept", String.class),
                in.getHeader("Idempotency-Key", String.class), params);
        in.removeHeaders("*");
        if (institution.isEmpty()) {
            throw new ApiProblem(ApiProblem.Kind.UNAUTHORIZED, "Send Authorization: Bearer <token> with the token of your institution.");
        }
        long wait = rateLimiter.take(institution.get());
        if (wait > 0) {
            throw new ApiProblem(ApiProblem.Kind.TOO_MANY_REQUESTS, "The rate limit of your institution is reached; try again later.",
                    null, null, wait);
        }
        exchange.setProperty(INSTITUTION, institution.get());
        exchange.setProperty(REQUEST, request);
    }

    /**
     * A submission: XML or JSON, within the size limit. With an Idempotency-Key the transfer id is
     * derived from the institution and the key (as intake derives it from a file or a broker message),
     * so the same key is the same transfer: answered from the ledger once it is settled, taken again
     * (and still delivered once) while it is not.
     */
    public void submit(Exchange exchange) {
        Request request = request(exchange);
        String owner = owner(exchange);
        String media = request.contentType() == null ? "" : request.contentType().split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!Set.of("application/xml", "text/xml", "application/json").contains(media)) {
            throw new ApiProblem(ApiProblem.Kind.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/xml or application/json.");
        }
        Optional<String> held = intakeHeld.apply(owner);
        if (held.isPresent()) {
            throw new ApiProblem(ApiProblem.Kind.UNAVAILABLE, "The gateway takes no submissions now: " + held.get()
                    + ". Nothing was taken; send it again later.", null, null, 30L);
        }
        byte[] body = exchange.getIn().getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        if (body.length > maxBytes) {
            throw new ApiProblem(ApiProblem.Kind.PAYLOAD_TOO_LARGE, "The body is larger than " + maxBytes + " bytes.");
        }
        Message in = exchange.getIn();
        in.setBody(body);
        in.setHeader(Exchange.FILE_LENGTH, (long) body.length);
        in.setHeader("schakelChannel", "http");
        in.setHeader(Headers.CHANNEL_OWNER, owner);
        // the query parameter receiver: for a document that names no receiver (an OSO dossier)
        in.setHeader(Headers.CHANNEL_RECEIVER, request.param("receiver"));
        in.setHeader(TO_INTAKE, true);
        String key = request.idempotencyKey();
        if (key != null) {
            if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
                throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, "An Idempotency-Key is 1 to 100 letters, digits and . _ : -");
            }
            String input = "http:" + owner + ":" + key;
            exchange.setProperty(Intake.INPUT_KEY, input);
            String transferId = "R-" + UUID.nameUUIDFromBytes(input.getBytes(StandardCharsets.UTF_8));
            Optional<Transfer> earlier = ledger.find(transferId);
            if (earlier.isPresent() && SETTLED.contains(earlier.get().status())) {
                in.setHeader(TO_INTAKE, false);
                exchange.setProperty(REPLAY, earlier.get());
            }
        }
    }

    /** The answer to a submission: 202 accepted, 200 a repeat (the original transfer), 400 or 422 rejected. */
    public void answerSubmission(Exchange exchange) {
        Transfer replay = exchange.getProperty(REPLAY, Transfer.class);
        if (replay != null) {
            answerFromLedger(exchange, replay);
            return;
        }
        Message in = exchange.getIn();
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        String outcome = in.getHeader(Headers.OUTCOME, String.class);
        String transferId = in.getHeader(Headers.TRANSFER_ID, String.class);
        if ("accepted".equals(outcome)) {
            Map<String, Object> body = submission(transferId, Status.ACCEPTED, verdict.field("messageId"), verdict.field("receiver"));
            respond(exchange, 202, body, location(transferId));
        } else if ("duplicate".equals(outcome)) {
            String original = exchange.getProperty(Forwarding.ORIGINAL_TRANSFER_ID, String.class);
            repeated(exchange, original, transferId);
        } else {
            rejected(transferId, verdict.errors().stream().map(HttpApi::error).toList(),
                    verdict.errors().stream().anyMatch(e -> e.stage() == ValidationError.Stage.PARSE));
        }
    }

    private void repeated(Exchange exchange, String original, String thisTransfer) {
        Transfer first = original == null ? null : ledger.find(original).orElse(null);
        Map<String, Object> body = submission(original, first == null ? Status.QUEUED : first.status(),
                first == null ? null : first.messageId(), first == null ? null : first.receiver());
        body.put("duplicate", true);
        body.put("duplicateTransferId", thisTransfer);
        respond(exchange, 200, body, original == null ? null : location(original));
    }

    /** The same Idempotency-Key again: the first answer, from the ledger (codes only for a rejection). */
    private void answerFromLedger(Exchange exchange, Transfer t) {
        List<TransferEvent> timeline = ledger.timeline(t.transferId());
        if (t.status() == Status.REJECTED) {
            String codes = timeline.stream().filter(e -> e.status() == Status.REJECTED).map(TransferEvent::detail)
                    .filter(d -> d != null).findFirst().orElse("");
            List<Map<String, Object>> errors = new ArrayList<>();
            for (String code : codes.split(" ")) {
                if (code.matches("[A-Z][A-Z0-9-]+")) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("code", code);
                    errors.add(e);
                }
            }
            rejected(t.transferId(), errors, codes.startsWith("PARSE-") || codes.startsWith("JSON-"));
        }
        if (t.status() == Status.DUPLICATE) {
            String original = timeline.stream().filter(e -> e.status() == Status.DUPLICATE).map(TransferEvent::detail)
                    .filter(d -> d != null && d.startsWith("original ")).map(d -> d.substring("original ".length())).findFirst().orElse(null);
            repeated(exchange, original, t.transferId());
            return;
        }
        respond(exchange, 202, submission(t.transferId(), t.status(), t.messageId(), t.receiver()), location(t.transferId()));
    }

    private static void rejected(String transferId, List<Map<String, Object>> errors, boolean unreadable) {
        throw new ApiProblem(unreadable ? ApiProblem.Kind.MALFORMED_DOCUMENT : ApiProblem.Kind.INVALID_DOCUMENT,
                unreadable ? "The body is not a readable XML or JSON document; see errors." : "The document was rejected; see errors.",
                errors, Map.of("transferId", transferId), null);
    }

    private static Map<String, Object> error(ValidationError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", e.stage().name());
        m.put("code", e.code());
        m.put("message", e.message());
        m.put("line", e.line());
        m.put("column", e.column());
        m.put("path", e.path());
        return m;
    }

    private static Map<String, Object> submission(String transferId, Status status, String messageId, String receiver) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transferId", transferId);
        m.put("status", status.name());
        m.put("messageId", messageId);
        m.put("receiver", receiver);
        m.put("statusUrl", location(transferId));
        return m;
    }

    private static String location(String transferId) {
        return BASE_PATH + "/transfers/" + transferId;
    }

    /** GET /transfers/{id}: status and timeline, for its sender or receiver only. */
    public void transfer(Exchange exchange) {
        String owner = owner(exchange);
        String id = request(exchange).param("id");
        Transfer t = id == null || !TRANSFER_ID.matcher(id).matches() ? null : ledger.find(id).orElse(null);
        List<TransferEvent> timeline = t == null ? List.of() : ledger.timeline(t.transferId());
        if (t == null || !visible(t, owner, timeline)) {
            throw new ApiProblem(ApiProblem.Kind.NOT_FOUND, "No transfer with this id for your institution.");
        }
        Map<String, Object> body = transferJson(t);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (TransferEvent e : timeline) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("status", e.status().name());
            step.put("at", e.at().toString());
            // codes and ids only; the operator's account name is not shown to institutions
            step.put("detail", e.detail());
            steps.add(step);
        }
        body.put("timeline", steps);
        respond(exchange, 200, body, null);
    }

    /**
     * The institution that submitted it sees it always (not one a document merely names as its
     * sender); the receiver once it reached its queue (its timeline has QUEUED).
     */
    private static boolean visible(Transfer t, String owner, List<TransferEvent> timeline) {
        if (submittedBy(t, owner)) {
            return true;
        }
        return owner.equals(t.receiver()) && timeline.stream().anyMatch(e -> e.status() == Status.QUEUED);
    }

    /** Submitted by this institution: its channel's owner (a row from before owners were kept: its sender). */
    private static boolean submittedBy(Transfer t, String owner) {
        return t.channelOwner() != null ? owner.equals(t.channelOwner()) : owner.equals(t.sender());
    }

    private static Map<String, Object> transferJson(Transfer t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transferId", t.transferId());
        m.put("messageId", t.messageId());
        m.put("documentType", t.documentType());
        m.put("sender", t.sender());
        m.put("receiver", t.receiver());
        m.put("channel", t.channel());
        m.put("status", t.status().name());
        m.put("receivedAt", t.receivedAt() == null ? null : t.receivedAt().toString());
        m.put("updatedAt", t.updatedAt() == null ? null : t.updatedAt().toString());
        return m;
    }

    /**
     * GET /transfers?status=&since=&role=&cursor=: one's own transfers, newest first, sent (role=sent,
     * the default) or received. The cursor carries the query and the page, and the moment of the first
     * page, so later submissions do not shift the pages.
     */
    public void transfers(Exchange exchange) {
        String owner = owner(exchange);
        Request request = request(exchange);
        String status;
        String since;
        String role;
        String until;
        int page;
        String cursor = request.param("cursor");
        if (cursor != null) {
            String[] parts;
            try {
                parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            } catch (IllegalArgumentException e) {
                parts = new String[0];
            }
            if (parts.length != 6 || !"v1".equals(parts[0])) {
                throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, "The cursor is not one this API gave.");
            }
            status = parts[1].isEmpty() ? null : parts[1];
            since = parts[2].isEmpty() ? null : parts[2];
            role = parts[3];
            until = parts[4];
            page = parseInt(parts[5]);
        } else {
            status = request.param("status");
            since = request.param("since");
            role = request.param("role") == null ? "sent" : request.param("role");
            until = OffsetDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(1).toString();
            page = 0;
        }
        if (!Set.of("sent", "received").contains(role)) {
            throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, "role is sent or received.");
        }
        TransferQuery query = TransferQuery.all();
        query = "sent".equals(role) ? query.withChannelOwner(owner) : query.withReceiver(owner);
        Status wanted = null;
        if (status != null) {
            try {
                wanted = Status.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, "status is one of " + List.of(Status.values()) + ".");
            }
            query = query.withStatus(wanted);
        }
        OffsetDateTime from = time(since, "since");
        query = query.between(from, time(until, "until"));
        Page<Transfer> result = ledger.list(query, page, PAGE_SIZE);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Transfer t : result.items()) {
            // received: only what reached this institution's queue
            if ("received".equals(role) && !REACHED_RECEIVER.contains(t.status())) {
                continue;
            }
            items.add(transferJson(t));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        boolean more = (long) (page + 1) * PAGE_SIZE < result.total();
        body.put("next", more ? Base64.getUrlEncoder().withoutPadding().encodeToString(String.join("|", "v1", status == null ? "" : status,
                since == null ? "" : since, role, until, String.valueOf(page + 1)).getBytes(StandardCharsets.UTF_8)) : null);
        respond(exchange, 200, body, null);
    }

    private static int parseInt(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n < 0 || n > 1_000_000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, "The cursor is not one this API gave.");
        }
    }

    private static OffsetDateTime time(String value, String name) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiProblem(ApiProblem.Kind.BAD_REQUEST, name + " is a time like 2026-11-01T00:00:00Z.");
        }
    }

    /** GET /inbox: what waits for this institution, oldest first (at most 100; ack to see further). */
    public void inbox(Exchange exchange) throws Exception {
        String owner = httpInstitution(exchange);
        List<Map<String, Object>> items = inbox.list(owner, 100).stream().map(HttpInbox.Item::json).toList();
        respond(exchange, 200, Map.of("items", items), null);
    }

    /** GET /inbox/{id}: the message, XML or JSON by Accept (its own format when either will do). */
    public void inboxItem(Exchange exchange) throws Exception {
        String owner = httpInstitution(exchange);
        HttpInbox.Fetched fetched = inbox.fetch(owner, request(exchange).param("id"))
                .orElseThrow(() -> new ApiProblem(ApiProblem.Kind.NOT_FOUND, "No message with this id waits in your inbox."));
        String accept = request(exchange).accept() == null ? "*/*" : request(exchange).accept().toLowerCase(Locale.ROOT);
        boolean isJson = "json".equals(fetched.item().format());
        boolean wantsJson = accept.contains("application/json") && !accept.contains("application/xml");
        boolean wantsXml = accept.contains("application/xml") || accept.contains("text/xml");
        byte[] body = fetched.body();
        boolean json = isJson;
        if (wantsJson && "oso".equals(fetched.item().format())) {
            throw new ApiProblem(ApiProblem.Kind.NOT_ACCEPTABLE, "Your institution receives OSO dossiers, which are XML; ask for application/xml.");
        }
        if (wantsJson && !isJson) {
            body = formats.toJson(body);
            json = true;
        } else if (wantsXml && !wantsJson && isJson) {
            throw new ApiProblem(ApiProblem.Kind.NOT_ACCEPTABLE, "Your institution receives JSON; ask for application/json.");
        }
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, json ? "application/json" : "application/xml");
        out.setBody(body);
    }

    /** POST /inbox/{id}/ack: the message is taken off the queue; a dossier is PICKED_UP in the ledger. */
    public void acknowledge(Exchange exchange) throws Exception {
        String owner = httpInstitution(exchange);
        // the pick-up is in the ledger before the message leaves the queue: with the ledger away the ack fails (503) and can be repeated
        HttpInbox.Item item = inbox.acknowledge(owner, request(exchange).param("id"), acked -> {
            if ("dossier".equals(acked.type()) && acked.transferId() != null) {
                ledger.record(acked.transferId(), Status.PICKED_UP, "pulled over http by " + owner);
            }
        }).orElseThrow(() -> new ApiProblem(ApiProblem.Kind.NOT_FOUND, "No message with this id waits in your inbox."));
        if (item.transferId() != null) {
            String transferId = item.transferId();
            metrics.delivered("http", item.type(), () -> ledger.find(transferId).map(Transfer::receivedAt).orElse(null));
        }
        LOG.info("Inbox item {} ({} of transfer {}) acknowledged by {}", item.id(), item.type(), item.transferId(), owner);
        Map<String, Object> body = new LinkedHashMap<>(item.json());
        body.put("acknowledged", true);
        respond(exchange, 200, body, null);
    }

    private String httpInstitution(Exchange exchange) {
        String owner = owner(exchange);
        Institution.Channel channel = directory.find(owner).map(Institution::channel).orElse(null);
        if (channel != Institution.Channel.HTTP) {
            throw new ApiProblem(ApiProblem.Kind.NO_HTTP_INBOX, "Your institution's messages are delivered on the "
                    + (channel == null ? "?" : channel.name().toLowerCase(Locale.ROOT)) + " channel, not over HTTP.");
        }
        return owner;
    }

    private static final Map<String, String> DOCS = Map.of("swagger-ui.css", "text/css", "swagger-ui-bundle.js", "text/javascript",
            "swagger-ui-standalone-preset.js", "text/javascript", "favicon-32x32.png", "image/png");

    /** GET /docs/{file}: Swagger UI from its webjar on the classpath, over /api/v1/openapi.json; no token needed. */
    public void docs(Exchange exchange) throws java.io.IOException {
        String file = exchange.getIn().getHeader("file", String.class);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        if (file == null || file.isEmpty() || "index.html".equals(file)) {
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            out.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
            out.setBody(("<!doctype html><html><head><meta charset=\"utf-8\"><title>Schakel HTTP API</title>"
                    + "<link rel=\"stylesheet\" href=\"swagger-ui.css\"></head><body><div id=\"ui\"></div>"
                    + "<script src=\"swagger-ui-bundle.js\"></script><script>SwaggerUIBundle({url: '" + BASE_PATH
                    + "/openapi.json', dom_id: '#ui'});</script></body></html>").getBytes(StandardCharsets.UTF_8));
            return;
        }
        String type = DOCS.get(file);
        java.io.InputStream resource = type == null ? null
                : HttpApi.class.getResourceAsStream("/META-INF/resources/webjars/swagger-ui/" + SWAGGER_UI_VERSION + "/" + file);
        if (resource == null) {
            throw new ApiProblem(ApiProblem.Kind.NOT_FOUND, "No such file.");
        }
        try (resource) {
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            out.setHeader(Exchange.CONTENT_TYPE, type);
            out.setBody(resource.readAllBytes());
        }
    }

    /** The webjar's version (pom.xml). */
    static final String SWAGGER_UI_VERSION = "5.34.1";

    /** Every failure of an operation as problem details: the API's own, the ledger away (503), anything else (500). */
    public void problem(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ApiProblem problem;
        if (cause instanceof ApiProblem p) {
            problem = p;
        } else if (cause instanceof LedgerUnavailableException || (cause != null && cause.getCause() instanceof LedgerUnavailableException)) {
            problem = new ApiProblem(ApiProblem.Kind.UNAVAILABLE, "The ledger is not reachable; try again later.", null, null, 30L);
        } else if (cause instanceof nl.schakel.ledger.LeaseExpiredException || cause instanceof nl.schakel.ledger.ClaimHeldException) {
            // this instance is taking a new lease, or another instance is forwarding the same message id right now: nothing was sent here
            problem = new ApiProblem(ApiProblem.Kind.UNAVAILABLE, "The gateway cannot take this submission at this moment; try again shortly.", null, null, 5L);
        } else {
            // the class only: an exception's message may quote what the client sent
            LOG.warn("HTTP API request of {} failed: {}", exchange.getProperty(INSTITUTION), cause == null ? "?" : cause.getClass().getName());
            problem = new ApiProblem(ApiProblem.Kind.INTERNAL_ERROR, "Try again later; with an Idempotency-Key a retry is safe.");
        }
        Message out = exchange.getMessage();
        byte[] body = problemBody(problem);
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.kind().status());
        out.setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        if (problem.kind() == ApiProblem.Kind.UNAUTHORIZED) {
            out.setHeader("WWW-Authenticate", "Bearer realm=\"schakel\"");
        }
        if (problem.retryAfterSeconds() != null) {
            out.setHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
        }
        out.setBody(body);
    }

    /** A problem details object as bytes (also used by the request guard in front of the routes). */
    public static byte[] problemBody(ApiProblem problem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", problem.kind().type());
        m.put("title", problem.kind().title());
        m.put("status", problem.kind().status());
        m.put("detail", problem.getMessage());
        if (problem.extra() != null) {
            m.putAll(problem.extra());
        }
        if (problem.errors() != null) {
            m.put("errors", problem.errors());
        }
        try {
            return new ObjectMapper().writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void respond(Exchange exchange, int status, Object body, String location) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (location != null) {
            out.setHeader("Location", location);
        }
        try {
            out.setBody(json.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String owner(Exchange exchange) {
        String owner = exchange.getProperty(INSTITUTION, String.class);
        if (owner == null) {
            throw new ApiProblem(ApiProblem.Kind.UNAUTHORIZED, "Not authenticated.");
        }
        return owner;
    }

    private static Request request(Exchange exchange) {
        return exchange.getProperty(REQUEST, Request.class);
    }
}
