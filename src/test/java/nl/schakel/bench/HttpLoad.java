package nl.schakel.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP8K: submissions of 8 KB dossiers over the HTTP API (POST /api/v1/transfers) beside the
 * queue channel at 8 KB saturation, in one gateway process (default heap) with
 * {@code -Dcamel.server.port} on a free port. The ISK 30AA00 (token {@code demo-30AA00}) sends to
 * 30AD00 (channel http, same region), whose inbox is not pulled during the run. Saturation: 8
 * senders on one shared HTTP/1.1 client, each request timed from send to its 202; then a paced
 * 50/s (open loop, asynchronous sends) for latency; then the queue channel as QUEUE8K measures it.
 * Only 202s count; any other status or an exception is an error, counted in the note.
 */
final class HttpLoad {
    private static final int SIZE = 8 * 1024;
    private static final int SENDERS = 8;
    private static final int RATE = 50;
    private static final AtomicLong IDS = new AtomicLong();

    private HttpLoad() {
    }

    static List<Benchmark.Result> run(boolean quick) throws Exception {
        Duration warmup = quick ? Duration.ofSeconds(3) : Duration.ofSeconds(30);
        Duration measure = quick ? Duration.ofSeconds(5) : Duration.ofSeconds(30);
        int port = Benchmark.freePort();
        List<String> args = new ArrayList<>(Benchmark.GatewayProcess.extraArgs);
        args.add("-Dcamel.server.port=" + port);
        // the per-institution token bucket (default 20/s, burst 40) would answer 429 to nearly all of
        // one sender's load: raised here unless this run sets it, so the figure is the gateway's, not the limit's
        String limitNote = "";
        if (args.stream().noneMatch(a -> a.startsWith("-Dschakel.http.rate-limit."))) {
            args.add("-Dschakel.http.rate-limit.per-second=1000000");
            args.add("-Dschakel.http.rate-limit.burst=1000000");
            limitNote = "; rate limit raised to 1,000,000/s (default 20/s, burst 40)";
        }
        Benchmark.GatewayProcess.extraArgs = args;
        List<Benchmark.Result> results = new ArrayList<>();
        try (Benchmark.GatewayProcess gateway = Benchmark.GatewayProcess.start(null, "gateway-http.log")) {
            URI submit = URI.create("http://127.0.0.1:" + port + "/api/v1/transfers");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            awaitApi(http, "http://127.0.0.1:" + port + "/api/v1/openapi.json");
            Payloads payloads = new Payloads("30AA00", "30AD00");

            Benchmark.Result sat = saturation(gateway, http, submit, payloads, warmup, measure);
            results.add(withNote(sat, sat.note() + limitNote));
            Benchmark.Result paced = paced(gateway, http, submit, payloads, quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10), measure);
            results.add(withNote(paced, paced.note() + limitNote));

            // the queue channel at 8 KB saturation in the same process, as QUEUE8K measures it
            Benchmark.Result q = Benchmark.queueChannel(gateway, SIZE, 0);
            results.add(new Benchmark.Result(q.scenario(), SIZE, q.throughput_per_s(), q.p50_ms(), q.p99_ms(), q.max_ms(),
                    gateway.rssMb(), gateway.heapMb(), null, null, q.note() + "; queue channel 31AA00 to 31AB00, send to arrival on "
                    + "inbox.31AB00, same gateway process after the HTTP scenarios (so already warm, no extra process warm-up)"));
            if (!gateway.process.isAlive()) {
                System.out.println("the gateway process died; see target/bench/gateway-http.log");
            }
        }
        return results;
    }

    /** The REST routes start a moment after readiness: waits until the API's port answers. */
    private static void awaitApi(HttpClient http, String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the HTTP API did not answer " + url + " within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static HttpRequest request(URI submit, byte[] body) {
        return HttpRequest.newBuilder(submit).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer demo-30AA00").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** Statuses other than 202 and exceptions, in the measured window and in all. */
    private static final class Errors {
        final Map<String, LongAdder> window = new ConcurrentHashMap<>();
        final Map<String, LongAdder> all = new ConcurrentHashMap<>();
        final Map<String, String> firstBody = new ConcurrentHashMap<>();

        void add(String what, boolean measuring, String body) {
            all.computeIfAbsent(what, k -> new LongAdder()).increment();
            if (measuring) {
                window.computeIfAbsent(what, k -> new LongAdder()).increment();
            }
            if (body != null) {
                firstBody.putIfAbsent(what, body.length() > 300 ? body.substring(0, 300) : body);
            }
        }

        String note() {
            if (all.isEmpty()) {
                return "no errors (every answer 202)";
            }
            StringBuilder s = new StringBuilder("errors in the window: ").append(text(window)).append("; in all: ").append(text(all));
            firstBody.forEach((k, v) -> System.out.println("  first " + k + " answer: " + v.replace('\n', ' ')));
            return s.toString();
        }

        private static String text(Map<String, LongAdder> m) {
            if (m.isEmpty()) {
                return "none";
            }
            StringBuilder s = new StringBuilder();
            new TreeMap<>(m).forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(" × ").append(v.sum()));
            return s.toString();
        }
    }

    private static Benchmark.Result saturation(Benchmark.GatewayProcess gateway, HttpClient http, URI submit, Payloads payloads,
                                               Duration warmup, Duration measure) throws Exception {
        Stats stats = new Stats();
        Errors errors = new Errors();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    byte[] body = payloads.dossier("H" + IDS.incrementAndGet(), SIZE);
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(request(submit, body), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 202) {
                            stats.record(t0, System.nanoTime());
                        } else {
                            errors.add(String.valueOf(r.statusCode()), measuring.get(), r.body());
                        }
                    } catch (IOException e) {
                        errors.add(e.getClass().getSimpleName(), measuring.get(), String.valueOf(e.getMessage()));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "http-sender-" + i);
            t.start();
            threads.add(t);
        }
        Thread.sleep(warmup.toMillis());
        stats.start();
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(measure.toMillis());
        stats.stop();
        measuring.set(false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        for (Thread t : threads) {
            t.join(70_000);
            if (t.isAlive()) {
                System.out.println(t.getName() + " still waiting for an answer 70 s after the window");
            }
        }
        String note = SENDERS + " senders, one shared HTTP/1.1 client, send to 202, " + measure.toSeconds() + " s after "
                + warmup.toSeconds() + " s warm-up; 30AA00 to 30AD00 (channel http, inbox not pulled); " + errors.note();
        Benchmark.Result r = new Benchmark.Result("gateway-http-8kb-saturation", SIZE, Benchmark.round(stats.count() / seconds),
                Benchmark.round(stats.percentile(50)), Benchmark.round(stats.percentile(99)), Benchmark.round(stats.percentile(100)),
                gateway.rssMb(), gateway.heapMb(), null, null, note);
        System.out.printf("%-32s %7d B  %8.1f /s  p50 %.1f ms  p99 %.1f ms  %s%n", r.scenario(), SIZE, r.throughput_per_s(), r.p50_ms(), r.p99_ms(), errors.note());
        return r;
    }

    /** Open loop: a request every 20 ms, sent asynchronously, whatever the earlier ones are doing (at most 1,000 outstanding). */
    private static Benchmark.Result paced(Benchmark.GatewayProcess gateway, HttpClient http, URI submit, Payloads payloads,
                                          Duration warmup, Duration measure) throws Exception {
        Stats stats = new Stats();
        Errors errors = new Errors();
        Semaphore outstanding = new Semaphore(1000);
        LongAdder skipped = new LongAdder();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long until = measureFrom + measure.toNanos();
        long next = start;
        stats.start();
        while (true) {
            next += 1_000_000_000L / RATE;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (next >= until) {
                break;
            }
            if (!outstanding.tryAcquire()) {
                skipped.increment();
                continue;
            }
            boolean inWindow = next >= measureFrom;
            byte[] body = payloads.dossier("H" + IDS.incrementAndGet(), SIZE);
            long t0 = System.nanoTime();
            http.sendAsync(request(submit, body), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                long t1 = System.nanoTime();
                outstanding.release();
                if (e != null) {
                    errors.add(e.getClass().getSimpleName(), inWindow, String.valueOf(e.getMessage()));
                } else if (r.statusCode() == 202) {
                    if (inWindow) {
                        stats.record(t0, t1);
                    }
                } else {
                    errors.add(String.valueOf(r.statusCode()), inWindow, r.body());
                }
            });
        }
        // the last answers
        if (!outstanding.tryAcquire(1000, 70, TimeUnit.SECONDS)) {
            System.out.println("paced: " + (1000 - outstanding.availablePermits()) + " requests unanswered 70 s after the window");
        }
        stats.stop();
        String note = "offered " + RATE + "/s open loop (asynchronous sends), send to 202, " + measure.toSeconds() + " s after "
                + warmup.toSeconds() + " s warm-up; " + errors.note() + (skipped.sum() > 0 ? "; " + skipped.sum() + " not sent (1,000 outstanding)" : "");
        Benchmark.Result r = new Benchmark.Result("gateway-http-8kb-50-per-s", SIZE, Benchmark.round(stats.count() / (measure.toNanos() / 1e9)),
                Benchmark.round(stats.percentile(50)), Benchmark.round(stats.percentile(99)), Benchmark.round(stats.percentile(100)),
                gateway.rssMb(), gateway.heapMb(), null, null, note);
        System.out.printf("%-32s %7d B  %8.1f /s  p50 %.1f ms  p99 %.1f ms  %s%n", r.scenario(), SIZE, r.throughput_per_s(), r.p50_ms(), r.p99_ms(), errors.note());
        return r;
    }

    private static Benchmark.Result withNote(Benchmark.Result r, String note) {
        return new Benchmark.Result(r.scenario(), r.size_bytes(), r.throughput_per_s(), r.p50_ms(), r.p99_ms(), r.max_ms(),
                r.rss_mb(), r.heap_mb(), r.broker_alone_per_s(), r.ratio(), note);
    }
}
