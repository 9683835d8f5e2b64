package nl.schakel.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * In front of the API's routes on the HTTP server, before any body is read: a request that says it
 * is larger than the limit is answered 413 at once (its body never read), and a request whose body
 * has not arrived within the timeout (a client that stalls) is answered 408 and its connection
 * closed. A body without a length that outgrows the limit is cut off by the server's own body limit
 * (camel.server.maxBodySize).
 */
public final class RequestGuard implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final long maxBytes;
    private final long timeoutMs;

    public RequestGuard(Vertx vertx, long maxBytes, long timeoutMs) {
        this.vertx = vertx;
        this.maxBytes = maxBytes;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                declared = Long.MAX_VALUE;
            }
            if (declared > maxBytes) {
                refuse(ctx, new ApiProblem(ApiProblem.Kind.PAYLOAD_TOO_LARGE, "The body is larger than " + maxBytes + " bytes."));
                return;
            }
        }
        long timer = vertx.setTimer(timeoutMs, id -> {
            if (!request.isEnded()) {
                refuse(ctx, new ApiProblem(ApiProblem.Kind.REQUEST_TIMEOUT, "The request body did not arrive within " + timeoutMs + " ms."));
            }
        });
        ctx.addEndHandler(v -> vertx.cancelTimer(timer));
        request.connection().closeHandler(v -> vertx.cancelTimer(timer));
        ctx.next();
    }

    private static void refuse(RoutingContext ctx, ApiProblem problem) {
        if (!ctx.response().headWritten() && !ctx.response().ended()) {
            ctx.response().setStatusCode(problem.kind().status())
                    .putHeader("Content-Type", "application/problem+json")
                    .putHeader("Connection", "close")
                    .end(Buffer.buffer(HttpApi.problemBody(problem)))
                    .onComplete(done -> ctx.request().connection().close());
        } else {
            ctx.request().connection().close();
        }
    }
}
