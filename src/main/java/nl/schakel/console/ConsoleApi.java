package nl.schakel.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import nl.schakel.directory.Directory;
import nl.schakel.ledger.FlowFigure;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Page;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.ledger.TransferQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JSON admin API under /console/api, which the console page uses and operators can script
 * (README, "Operating Schakel"). Answers carry codes, ids, counts and times only: no payload, no
 * names of pupils. Operators reach everything; coordinators the regional flows only.
 */
public final class ConsoleApi {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleApi.class);
    private static final Pattern CODE = Pattern.compile("[0-9]{2}[A-Z]{2}[0-9]{2}");
    private static final Pattern DOCUMENT_TYPE = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,200}");

    private final Ledger ledger;
    private final Directory directory;
    private final Overview overview;
    private final FailedWork failedWork;
    private final Suspensions suspensions;
    private final DirectoryReload reload;
    private final Clock clock;

    public ConsoleApi(Ledger ledger, Directory directory, Overview overview, FailedWork failedWork, Suspensions suspensions,
                      DirectoryReload reload, Clock clock) {
        this.ledger = ledger;
        this.directory = directory;
        this.overview = overview;
        this.failedWork = failedWork;
        this.suspensions = suspensions;
        this.reload = reload;
        this.clock = clock;
    }

    /** A handler's work, run on a worker thread; its answer becomes the JSON body. */
    private interface Work {
        Object run(RoutingContext ctx, String operator) throws Exception;
    }

    void mount(Router router) {
        // coordinators and operators
        router.get("/console/api/flows").blockingHandler(ctx -> answer(ctx, this::flows), false);
        router.get("/console/api/flows.csv").blockingHandler(this::flowsCsv, false);
        // operators only from here on
        router.route("/console/api/*").handler(ctx -> {
            if (!ConsoleAccounts.Role.OPERATOR.value().equals(ctx.session().get(ConsoleServer.ROLE))) {
                ConsoleServer.error(ctx, 403, "operators only");
                return;
            }
            ctx.next();
        });
        get(router, "/console/api/overview", (ctx, op) -> overview.now());
        get(router, "/console/api/transfers", this::transfers);
        get(router, "/console/api/transfers/:id", this::transfer);
        get(router, "/console/api/failed", (ctx, op) -> failed());
        post(router, "/console/api/dead-letters/:id/retry", (ctx, op) -> message(failedWork.retryDeadLetter(id(ctx), op)));
        post(router, "/console/api/dead-letters/:id/discard", (ctx, op) -> message(failedWork.discardDeadLetter(id(ctx), reason(ctx), op)));
        post(router, "/console/api/quarantine/:id/retry", (ctx, op) -> {
            FailedWork.Retried retried = failedWork.retryQuarantined(id(ctx), op);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("message", "Taken in again as transfer " + retried.transferId() + ": " + retried.outcome() + ".");
            answer.put("transferId", retried.transferId());
            answer.put("outcome", retried.outcome());
            return answer;
        });
        post(router, "/console/api/quarantine/:id/discard", (ctx, op) -> message(failedWork.discardQuarantined(id(ctx), reason(ctx), op)));
        get(router, "/console/api/routes", (ctx, op) -> overview.now().routes());
        post(router, "/console/api/routes/:id/suspend", (ctx, op) -> message(suspensions.suspendRoute(id(ctx), op)));
        post(router, "/console/api/routes/:id/resume", (ctx, op) -> message(suspensions.resumeRoute(id(ctx), op)));
        post(router, "/console/api/institutions/:code/suspend", (ctx, op) -> message(suspensions.suspendIntake(code(ctx), op)));
        post(router, "/console/api/institutions/:code/resume", (ctx, op) -> message(suspensions.resumeIntake(code(ctx), op)));
        get(router, "/console/api/directory", (ctx, op) -> directoryAnswer());
        router.post("/console/api/directory/reload").blockingHandler(ctx -> {
            try {
                DirectoryReload.Result result = reload.reload(operator(ctx));
                ConsoleServer.json(ctx, 200, Map.of("message", "Directory reloaded.", "changes", result.changes()));
            } catch (DirectoryReload.Refused refused) {
                ConsoleServer.json(ctx, 422, Map.of("error", "The directory was not reloaded; nothing changed.", "problems", refused.problems()));
            }
        }, false);
        get(router, "/console/api/actions", (ctx, op) -> ledger.actions(number(ctx, "page", 0), number(ctx, "size", 50)));
    }

    private void get(Router router, String path, Work work) {
        router.get(path).blockingHandler(ctx -> answer(ctx, work), false);
    }

    private void post(Router router, String path, Work work) {
        router.post(path).blockingHandler(ctx -> answer(ctx, work), false);
    }

    private void answer(RoutingContext ctx, Work work) {
        try {
            ConsoleServer.json(ctx, 200, work.run(ctx, operator(ctx)));
        } catch (ActionRefused e) {
            ConsoleServer.error(ctx, switch (e.kind()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case INVALID -> 400;
            }, e.getMessage());
        } catch (IllegalArgumentException e) {
            ConsoleServer.error(ctx, 400, "bad request");
        } catch (Exception e) {
            // the exception's own text may quote a value: the log and the answer name its class only
            LOG.warn("Console request {} {} failed: {}", ctx.request().method(), ctx.currentRoute().getPath(), e.getClass().getName());
            ConsoleServer.error(ctx, 500, "the gateway could not do this (" + e.getClass().getSimpleName() + "); see its log");
        }
    }

    private static String operator(RoutingContext ctx) {
        return ctx.session().get(ConsoleServer.USER);
    }

    private static Map<String, Object> message(String text) {
        return Map.of("message", text);
    }

    private static String id(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (id == null || !ID.matcher(id).matches()) {
            throw new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no such id");
        }
        return id;
    }

    private static String code(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        if (code == null || !CODE.matcher(code).matches()) {
            throw new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no institution with that code");
        }
        return code;
    }

    private static DiscardReason reason(RoutingContext ctx) throws IOException {
        String body = ctx.body().asString();
        JsonNode json = ConsoleServer.JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        String reason = json.path("reason").asText("");
        try {
            return DiscardReason.valueOf(reason);
        } catch (IllegalArgumentException e) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, "a discard needs a reason, one of " + Arrays.toString(DiscardReason.values()));
        }
    }

    private static int number(RoutingContext ctx, String name, int otherwise) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, name + " is a number");
        }
    }

    private Object transfers(RoutingContext ctx, String operator) {
        String id = ctx.request().getParam("id");
        if (id != null && !id.isBlank()) {
            // a transfer id or a sender's message id: every transfer it names
            List<Transfer> found = new ArrayList<>(ledger.findByMessageId(id.trim()));
            ledger.find(id.trim()).ifPresent(t -> found.add(0, t));
            return new Page<>(found.stream().map(ConsoleApi::view).toList(), 0, Math.max(1, found.size()), found.size());
        }
        TransferQuery query = TransferQuery.all();
        String status = param(ctx, "status");
        if (status != null) {
            try {
                query = query.withStatus(Status.valueOf(status));
            } catch (IllegalArgumentException e) {
                throw new ActionRefused(ActionRefused.Kind.INVALID, "unknown status " + (status.length() > 24 ? "" : status));
            }
        }
        query = query.withSender(code(param(ctx, "sender"), "sender")).withReceiver(code(param(ctx, "receiver"), "receiver"));
        String type = param(ctx, "documentType");
        if (type != null && !DOCUMENT_TYPE.matcher(type).matches()) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, "documentType is a document type id like transfer-dossier-v1");
        }
        query = query.withDocumentType(type).between(time(ctx, "from"), time(ctx, "until"));
        int size = number(ctx, "size", 50);
        if (size < 1 || size > 500) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, "size from 1 to 500");
        }
        int page = number(ctx, "page", 0);
        if (page < 0) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, "page from 0");
        }
        Page<Transfer> found = ledger.list(query, page, size);
        return new Page<>(found.items().stream().map(ConsoleApi::view).toList(), found.page(), found.size(), found.total());
    }

    private static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String code(String value, String name) {
        if (value != null && !CODE.matcher(value).matches()) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, name + " is an institution code like 30AA00");
        }
        return value;
    }

    private static OffsetDateTime time(RoutingContext ctx, String name) {
        String value = param(ctx, name);
        try {
            return value == null ? null : OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, name + " is a moment like 2026-11-29T10:00:00Z");
        }
    }

    private Object transfer(RoutingContext ctx, String operator) {
        String id = id(ctx);
        Transfer t = ledger.find(id).orElseThrow(() -> new ActionRefused(ActionRefused.Kind.NOT_FOUND, "no transfer " + id));
        return Map.of("transfer", view(t), "timeline", ledger.timeline(id));
    }

    /** What the console shows of a transfer: routing codes and times (the ledger has nothing more). */
    static Map<String, Object> view(Transfer t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("transferId", t.transferId());
        v.put("messageId", t.messageId());
        v.put("sender", t.sender());
        v.put("receiver", t.receiver());
        v.put("documentType", t.documentType());
        v.put("transitionKind", t.transitionKind());
        v.put("channel", t.channel());
        v.put("status", t.status().name());
        v.put("receivedAt", t.receivedAt());
        v.put("updatedAt", t.updatedAt());
        v.put("sizeBytes", t.sizeBytes());
        return v;
    }

    private Object failed() throws Exception {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deadLetters", failedWork.deadLetters());
        answer.put("quarantine", failedWork.quarantined());
        answer.put("discardReasons", Arrays.stream(DiscardReason.values()).map(r -> Map.of("code", r.name(), "label", r.label())).toList());
        return answer;
    }

    private Object directoryAnswer() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("source", reload.location());
        answer.put("loadedAt", reload.loadedAt());
        answer.put("institutions", directory.all().stream().map(i -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("code", i.code());
            v.put("name", i.name());
            v.put("kind", i.kind().value());
            v.put("region", i.region());
            v.put("channel", i.channel().name().toLowerCase(Locale.ROOT));
            v.put("format", i.format().name().toLowerCase(Locale.ROOT));
            return v;
        }).toList());
        answer.put("agreements", directory.agreements());
        return answer;
    }

    private Object flows(RoutingContext ctx, String operator) {
        YearMonth[] range = range(ctx);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("from", range[0].toString());
        answer.put("to", range[1].toString());
        answer.put("smallestShownCount", Ledger.SMALLEST_SHOWN_COUNT);
        answer.put("figures", ledger.flowFigures(range[0], range[1]));
        return answer;
    }

    private void flowsCsv(RoutingContext ctx) {
        YearMonth[] range;
        try {
            range = range(ctx);
        } catch (ActionRefused e) {
            ConsoleServer.error(ctx, 400, e.getMessage());
            return;
        }
        StringBuilder csv = new StringBuilder("month,from_region,from_kind,to_region,to_kind,outcome,count\r\n");
        for (FlowFigure f : ledger.flowFigures(range[0], range[1])) {
            for (String value : List.of(f.month(), f.fromRegion(), f.fromKind(), f.toRegion(), f.toKind(), f.outcome())) {
                csv.append(csvValue(value)).append(',');
            }
            csv.append(csvValue(f.count())).append("\r\n");
        }
        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                .putHeader("Content-Disposition", "attachment; filename=\"schakel-flows-" + range[0] + "-" + range[1] + ".csv\"")
                .end(csv.toString());
    }

    /** A CSV field, quoted when needed, and never read as a formula by a spreadsheet. */
    static String csvValue(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /** from/to as YYYY-MM; by default the last twelve months. */
    private YearMonth[] range(RoutingContext ctx) {
        try {
            YearMonth to = param(ctx, "to") == null ? YearMonth.now(clock) : YearMonth.parse(param(ctx, "to"));
            YearMonth from = param(ctx, "from") == null ? to.minusMonths(11) : YearMonth.parse(param(ctx, "from"));
            if (from.isAfter(to) || from.plusYears(10).isBefore(to)) {
                throw new ActionRefused(ActionRefused.Kind.INVALID, "from is at most ten years before to");
            }
            return new YearMonth[]{from, to};
        } catch (DateTimeParseException e) {
            throw new ActionRefused(ActionRefused.Kind.INVALID, "from and to are months like 2026-11");
        }
    }
}
