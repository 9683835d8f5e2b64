package nl.schakel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import nl.schakel.broker.BrokerAccounts;
import nl.schakel.broker.EmbeddedBroker;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark: in one run on one machine, the broker alone (two persistent hops) as the ceiling,
 * the gateway's queue and file channels (all validation stages, ledger, delivery), a 20 MB dossier
 * through a gateway with a 256 MB heap, start-up time, and the validation stages under JMH.
 * Writes target/bench/summary.json and summary.md. Not a test: run it with
 * {@code mvn -q -DskipTests package exec:exec@bench} (add {@code -Dbench.args=--short} for a quick look).
 * {@code FAIRNESS} runs only the flood scenario ({@link Fairness}); {@code SOAK [duration]} the soak
 * ({@link Soak}, not part of the full run), which writes target/bench/soak.csv and soak.md instead;
 * {@code HTTP8K} 8 KB submissions over the HTTP API beside the queue channel ({@link HttpLoad}, not part of the full run).
 */
public final class Benchmark {
    private static final int PRODUCERS = 4;
    private static final int IN_FLIGHT = 1000;
    private static final int MOVERS = 2;

    public record Result(String scenario, int size_bytes, double throughput_per_s, double p50_ms, double p99_ms, double max_ms,
                  double rss_mb, double heap_mb, Double broker_alone_per_s, Double ratio, String note) {
    }

    private static Duration warmup;
    private static Duration measure;
    // added once to the warm-up of the first scenario on a new gateway process: on 2 cores its C2
    // compiler stays busy for minutes under load (JFR: one compiler thread fully busy for 2 minutes)
    private static Duration processWarmup = Duration.ZERO;
    private static final AtomicLong IDS = new AtomicLong();

    public static void main(String[] arguments) throws Exception {
        // exec:exec hands ${bench.args} over as one argument
        String[] args = String.join(" ", arguments).trim().split("\\s+");
        boolean quick = List.of(args).contains("--short") || List.of(args).contains("SHORT");
        // QUEUE8K, QUEUE200K: only that size's queue channel (saturation and 100/s) beside the broker alone
        boolean queueOnly = List.of(args).contains("QUEUE8K") || List.of(args).contains("QUEUE200K");
        // LARGE: only start-up and the 20 MB dossiers
        boolean largeOnly = List.of(args).contains("LARGE");
        // FAIRNESS: only one school's flood of 10,000 files beside schools sending one a second (part of the full run)
        boolean fairnessOnly = List.of(args).contains("FAIRNESS");
        // -Dkey=value, -XX: and -Xlog: arguments go to the gateway process, e.g. -Dschakel.intake.queue-consumers=8
        GatewayProcess.noCds = List.of(args).contains("NOCDS");
        GatewayProcess.extraArgs = List.of(args).stream().filter(a -> a.startsWith("-D") || a.startsWith("-XX:") || a.startsWith("-Xlog:")
                || a.startsWith("-Xmx")).toList();
        if (List.of(args).contains("SOAK")) {
            // SOAK [duration]: not part of the full run
            Soak.run(List.of(args));
            return;
        }
        warmup = quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        measure = quick ? Duration.ofSeconds(5) : Duration.ofSeconds(30);
        Path out = Files.createDirectories(Path.of("target/bench"));
        List<Result> results = new ArrayList<>();
        if (List.of(args).contains("CONSOLE")) {
            // CONSOLE: the operator console with 10,000 transfers in the ledger (not in the full run)
            results.addAll(ConsoleLoad.run());
            write(out, results, quick);
            return;
        }
        if (List.of(args).contains("VALIDATION")) {
            // VALIDATION: only the validation stages under JMH, v1 and OSO (also in the full run)
            results.addAll(ValidationStages.run(quick));
            write(out, results, quick);
            return;
        }
        if (List.of(args).contains("HTTP8K")) {
            // HTTP8K: 8 KB submissions over the HTTP API beside the queue channel at 8 KB (not in the full run)
            results.addAll(HttpLoad.run(quick));
            write(out, results, quick);
            return;
        }
        if (List.of(args).contains("FILE10")) {
            // FILE10: start-up and the file channel at 10 dossiers/s, 8 KB, in a new gateway (also in the full run)
            try (GatewayProcess gateway = GatewayProcess.start(null)) {
                results.add(startup(gateway));
                results.add(withProcess(fileChannel(gateway, 8 * 1024, 10), gateway));
            }
            write(out, results, quick);
            return;
        }
        if (fairnessOnly) {
            results.addAll(Fairness.run(quick));
            write(out, results, quick);
            return;
        }
        int[] sizes = largeOnly ? new int[0] : List.of(args).contains("QUEUE8K") ? new int[] {8 * 1024}
                : List.of(args).contains("QUEUE200K") ? new int[] {200 * 1024} : new int[] {8 * 1024, 200 * 1024};
        Map<Integer, Double> ceiling = new LinkedHashMap<>();

        for (int size : sizes) {
            Result r = brokerAlone(size);
            ceiling.put(size, r.throughput_per_s());
            results.add(r);
        }

        // the channels run in a gateway started as the README starts it (the JVM's default heap);
        // the 20 MB dossiers in a second one with -Xmx256m
        if (!largeOnly) {
            try (GatewayProcess gateway = GatewayProcess.start(null)) {
                processWarmup = quick ? Duration.ZERO : Duration.ofSeconds(140);
                results.add(startup(gateway));
                channels(gateway, sizes, ceiling, queueOnly, results);
            }
        }
        // one school's flood beside others, in a gateway of its own (default heap); not in the quick look
        if (!queueOnly && !largeOnly && !quick) {
            results.addAll(Fairness.run(false));
        }
        if (!queueOnly) {
            try (GatewayProcess gateway = GatewayProcess.start("256m")) {
                if (largeOnly) {
                    results.add(startup(gateway));
                }
                results.addAll(largeDossiers(gateway));
            }
        }

        if (!queueOnly && !largeOnly) {
            results.addAll(ValidationStages.run(quick));
        }
        write(out, results, quick);
    }

    private static Result startup(GatewayProcess gateway) {
        return new Result("gateway-startup-to-ready", 0, 0, gateway.startupMs, gateway.startupMs, gateway.startupMs,
                gateway.rssMb(), gateway.heapMb(), null, null, "process start until /observe/health is UP" + gateway.heapNote()
                + (!GatewayProcess.noCds && Files.exists(Path.of("target/schakel.jsa")) ? ", with target/schakel.jsa" : ", without a CDS archive of its own"));
    }

    private static void channels(GatewayProcess gateway, int[] sizes, Map<Integer, Double> ceiling, boolean queueOnly,
                                 List<Result> results) throws Exception {
        for (int size : sizes) {
            Result sat = queueChannel(gateway, size, 0);
            double broker = ceiling.get(size);
            results.add(new Result(sat.scenario(), size, sat.throughput_per_s(), sat.p50_ms(), sat.p99_ms(), sat.max_ms(),
                    gateway.rssMb(), gateway.heapMb(), broker, round(sat.throughput_per_s() / broker), sat.note()));
            results.add(withProcess(queueChannel(gateway, size, 100), gateway));
            if (queueOnly) {
                continue;
            }
            results.add(withProcess(fileChannel(gateway, size, 0), gateway));
            results.add(withProcess(fileChannel(gateway, size, 100), gateway));
            if (size == 8 * 1024) {
                results.add(withProcess(fileChannel(gateway, size, 10), gateway));
            }
        }
    }

    /** A gateway setting as the gateway process will see it: a -D argument of this run, else application.properties. */
    static String gatewaySetting(String key) throws IOException {
        for (String a : GatewayProcess.extraArgs) {
            if (a.startsWith("-D" + key + "=")) {
                return a.substring(key.length() + 3);
            }
        }
        java.util.Properties defaults = new java.util.Properties();
        try (var in = Benchmark.class.getResourceAsStream("/application.properties")) {
            defaults.load(in);
        }
        return defaults.getProperty(key).trim();
    }

    private static Result withProcess(Result r, GatewayProcess gateway) {
        return new Result(r.scenario(), r.size_bytes(), r.throughput_per_s(), r.p50_ms(), r.p99_ms(), r.max_ms(),
                gateway.rssMb(), gateway.heapMb(), null, null, r.note());
    }

    // ---------------------------------------------------------------- broker alone

    private static Result brokerAlone(int size) throws Exception {
        Path dir = Files.createTempDirectory("schakel-bench-broker-");
        int port = freePort();
        BrokerAccounts accounts = BrokerAccounts.demo(List.of());
        accounts.addGateway("bench", "bench");
        EmbeddedBroker broker = new EmbeddedBroker(dir.resolve("broker"), 77, accounts, Set.of(),
                new EmbeddedBroker.Listener("127.0.0.1", port, null, null), 5, 1000);
        // the same journal setting as the gateway: its default, or the -D override given to the gateway
        broker.journalBufferTimeoutMicros(Integer.parseInt(gatewaySetting("schakel.broker.journal-buffer-timeout-us")));
        broker.start();
        AtomicBoolean moving = new AtomicBoolean(true);
        List<Thread> movers = new ArrayList<>();
        try {
            ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory(broker.inVmUrl(), "bench", "bench");
            // the movers send with the gateway's own client setting
            inVm.setMinLargeMessageSize(Integer.parseInt(gatewaySetting("schakel.broker.min-large-message-bytes")));
            for (int i = 0; i < MOVERS; i++) {
                Thread mover = new Thread(() -> move(inVm, moving), "mover-" + i);
                mover.start();
                movers.add(mover);
            }
            ActiveMQConnectionFactory tcp = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port, "bench", "bench");
            byte[] body = new Payloads("31AA00", "31AB00").dossier("BENCH", size);
            measuredPid = ProcessHandle.current().pid();
            measuredWhat = "benchmark process (broker and clients)";
            Result r = jmsScenario("broker-alone-2-hops", size, 0, tcp, tcp, "bench.in", "bench.out", null, id -> body);
            System.out.printf("%-32s %7d B  %8.1f msg/s%n", r.scenario(), size, r.throughput_per_s());
            return new Result(r.scenario(), size, r.throughput_per_s(), r.p50_ms(), r.p99_ms(), r.max_ms(),
                    rssMb(ProcessHandle.current().pid()), usedHeapMb(), null, null, "consumer moves bench.in to bench.out in one transaction, " + MOVERS + " movers");
        } finally {
            moving.set(false);
            for (Thread t : movers) {
                t.join(5000);
            }
            broker.stop();
        }
    }

    private static void move(ActiveMQConnectionFactory cf, AtomicBoolean moving) {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer in = s.createConsumer(s.createQueue("bench.in"));
            MessageProducer out = s.createProducer(s.createQueue("bench.out"));
            out.setDeliveryMode(DeliveryMode.PERSISTENT);
            while (moving.get()) {
                Message m = in.receive(100);
                if (m != null) {
                    out.send(m);
                    s.commit();
                }
            }
        } catch (JMSException e) {
            if (moving.get()) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---------------------------------------------------------------- gateway, queue channel

    static Result queueChannel(GatewayProcess gateway, int size, int ratePerS) throws Exception {
        ActiveMQConnectionFactory isk = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.brokerPort, "31AA00", "demo-31AA00");
        ActiveMQConnectionFactory vo = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.brokerPort, "31AB00", "demo-31AB00");
        Payloads payloads = new Payloads("31AA00", "31AB00");
        measuredPid = gateway.process.pid();
        measuredWhat = "gateway process";
        Result r = jmsScenario("gateway-queue" + (ratePerS > 0 ? "-at-" + ratePerS + "-per-s" : "-saturation"), size, ratePerS,
                isk, vo, "gateway.inbound", "inbox.31AB00", "inbox.31AA00", id -> payloads.dossier(id, size));
        System.out.printf("%-32s %7d B  %8.1f msg/s  p50 %.1f ms  p99 %.1f ms%n", r.scenario(), size, r.throughput_per_s(), r.p50_ms(), r.p99_ms());
        return r;
    }

    /** Paces a sender: at a fixed rate when one is given, and never more than the in-flight permits allow. */
    private static final class Pacer {
        private final int ratePerS;
        private final Semaphore inFlight;
        private long next = System.nanoTime();

        Pacer(int ratePerS, Semaphore inFlight) {
            this.ratePerS = ratePerS;
            this.inFlight = inFlight;
        }

        /** Waits for the next slot; false when no permit came within 100 ms. */
        boolean next() throws InterruptedException {
            if (ratePerS > 0) {
                next += 1_000_000_000L / ratePerS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            return inFlight.tryAcquire(100, TimeUnit.MILLISECONDS);
        }
    }

    interface Body {
        byte[] of(String id);
    }

    /** Producers send (at a rate, or as fast as IN_FLIGHT allows) and one consumer receives; the window after warm-up is measured. */
    private static Result jmsScenario(String name, int size, int ratePerS, ActiveMQConnectionFactory sendAs, ActiveMQConnectionFactory receiveAs,
                                      String sendTo, String receiveFrom, String drain, Body body) throws Exception {
        // the same client settings for the broker alone and the gateway: durable sends confirmed asynchronously
        sendAs.setBlockOnDurableSend(false);
        sendAs.setConfirmationWindowSize(1024 * 1024);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        Stats stats = new Stats();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Connection> connections = new ArrayList<>();
        try {
            Connection receiver = receiveAs.createConnection();
            connections.add(receiver);
            Session rs = receiver.createSession(false, Session.AUTO_ACKNOWLEDGE);
            rs.createConsumer(rs.createQueue(receiveFrom)).setMessageListener(m -> {
                try {
                    Long t = sentAt.remove(m.getStringProperty("schakelMessageId"));
                    if (t != null) {
                        stats.record(t, System.nanoTime());
                        inFlight.release();
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            receiver.start();
            if (drain != null) {
                Connection drainer = sendAs.createConnection();
                connections.add(drainer);
                Session ds = drainer.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
                ds.createConsumer(ds.createQueue(drain)).setMessageListener(m -> { });
                drainer.start();
            }
            int producers = ratePerS > 0 ? 1 : PRODUCERS;
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Connection c = sendAs.createConnection();
                connections.add(c);
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = s.createProducer(s.createQueue(sendTo));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                Thread t = new Thread(() -> {
                    Pacer pacer = new Pacer(ratePerS, inFlight);
                    while (running.get()) {
                        try {
                            if (!pacer.next()) {
                                continue;
                            }
                            String id = "B" + IDS.incrementAndGet();
                            BytesMessage m = s.createBytesMessage();
                            m.writeBytes(body.of(id));
                            m.setStringProperty("schakelMessageId", id);
                            sentAt.put(id, System.nanoTime());
                            producer.send(m);
                        } catch (InterruptedException e) {
                            return;
                        } catch (JMSException e) {
                            if (running.get()) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                }, name + "-producer-" + p);
                t.start();
                threads.add(t);
            }
            Result result = window(name, size, stats, threads, running, ratePerS);
            // drain: the next scenario starts on an empty gateway
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!sentAt.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            return result;
        } finally {
            running.set(false);
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private static Result window(String name, int size, Stats stats, List<Thread> threads, AtomicBoolean running, int ratePerS) throws InterruptedException {
        Duration warm = warmup.plus(processWarmup);
        processWarmup = Duration.ZERO;
        Thread.sleep(warm.toMillis());
        stats.start();
        long t0 = System.nanoTime();
        long cpu0 = cpuMillis(measuredPid);
        Thread.sleep(measure.toMillis());
        stats.stop();
        double seconds = (System.nanoTime() - t0) / 1e9;
        // CPU per message varies less than throughput on a shared machine: compare changes by it too
        long cpu1 = cpuMillis(measuredPid);
        String cpu = cpu0 < 0 || cpu1 < 0 ? "; " + measuredWhat + " CPU not readable"
                : String.format("; %s CPU %.2f ms per message", measuredWhat, (cpu1 - cpu0) / (double) Math.max(1, stats.count()));
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        return new Result(name, size, round(stats.count() / seconds), round(stats.percentile(50)), round(stats.percentile(99)),
                round(stats.percentile(100)), 0, 0, null, null,
                (ratePerS > 0 ? "offered " + ratePerS + "/s" : PRODUCERS + " producers, " + IN_FLIGHT + " in flight at most")
                        + ", " + measure.toSeconds() + " s after " + warm.toSeconds() + " s warm-up" + cpu);
    }

    // whose CPU time a queue scenario's window measures
    private static long measuredPid = ProcessHandle.current().pid();
    private static String measuredWhat = "benchmark process";

    /** User and system CPU time of a process so far, from /proc (Linux; clock ticks of 10 ms); -1 when it cannot be read. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of the line; the array starts at field 3
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- gateway, file channel

    private static Result fileChannel(GatewayProcess gateway, int size, int ratePerS) throws Exception {
        Payloads payloads = new Payloads("30AA00", "30AB00");
        measuredPid = gateway.process.pid();
        measuredWhat = "gateway process";
        Path inbox = gateway.dataDir.resolve("inbox/30AA00");
        Path outbox = gateway.dataDir.resolve("outbox/30AB00");
        Path receipts = gateway.dataDir.resolve("outbox/30AA00");
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(200);
        Stats stats = new Stats();
        AtomicBoolean running = new AtomicBoolean(true);
        Pattern name = Pattern.compile("dossier-30AA00-(.+)\\.xml");
        Thread poller = new Thread(() -> {
            while (running.get() || !sentAt.isEmpty()) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                try (Stream<Path> files = Files.list(outbox)) {
                    for (Path f : files.toList()) {
                        Matcher m = name.matcher(f.getFileName().toString());
                        if (m.matches()) {
                            Long t = sentAt.remove(m.group(1));
                            if (t != null) {
                                stats.record(t, System.nanoTime());
                                inFlight.release();
                            }
                            Files.deleteIfExists(f);
                        }
                    }
                    try (Stream<Path> r = Files.list(receipts)) {
                        for (Path f : r.toList()) {
                            if (!f.getFileName().toString().startsWith(".")) {
                                Files.deleteIfExists(f);
                            }
                        }
                    }
                    Thread.sleep(10);
                } catch (IOException e) {
                    // a file the gateway is still renaming: next round
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "file-poller");
        poller.start();
        Thread writer = new Thread(() -> {
            Pacer pacer = new Pacer(ratePerS, inFlight);
            while (running.get()) {
                try {
                    if (!pacer.next()) {
                        continue;
                    }
                    String id = "F" + IDS.incrementAndGet();
                    Path temp = inbox.resolve("." + id + ".part");
                    Files.write(temp, payloads.dossier(id, size));
                    sentAt.put(id, System.nanoTime());
                    Files.move(temp, inbox.resolve(id + ".xml"), StandardCopyOption.ATOMIC_MOVE);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }, "file-writer");
        writer.start();
        Result r = window("gateway-file" + (ratePerS > 0 ? "-at-" + ratePerS + "-per-s" : "-saturation"), size, stats, List.of(writer), running, ratePerS);
        // drain: the next scenario starts on an empty gateway
        poller.join(180_000);
        poller.interrupt();
        System.out.printf("%-32s %7d B  %8.1f msg/s  p50 %.1f ms  p99 %.1f ms%n", r.scenario(), size, r.throughput_per_s(), r.p50_ms(), r.p99_ms());
        return new Result(r.scenario(), size, r.throughput_per_s(), r.p50_ms(), r.p99_ms(), r.max_ms(), 0, 0, null, null,
                r.note() + "; renamed into the inbox; inbox watch " + ("true".equals(gatewaySetting("schakel.file.watch")) ? "on" : "off")
                        + ", schakel.file.min-age-ms " + gatewaySetting("schakel.file.min-age-ms") + ", poll every "
                        + gatewaySetting("schakel.file.poll-delay-ms") + " ms");
    }

    // ---------------------------------------------------------------- 20 MB

    /**
     * 19.5 MB dossiers through the 256 MB gateway, one after another: on the queue channel to a JSON
     * receiver (31AA00 to 31AB00, who reads each body whole) and on the file channel (30AA00 to 30AB00).
     */
    private static List<Result> largeDossiers(GatewayProcess gateway) throws Exception {
        int size = 19 * 1024 * 1024 + 512 * 1024;
        int count = 3;
        List<Result> results = new ArrayList<>();
        ActiveMQConnectionFactory isk = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.brokerPort, "31AA00", "demo-31AA00");
        ActiveMQConnectionFactory vo = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.brokerPort, "31AB00", "demo-31AB00");
        Payloads queuePayloads = new Payloads("31AA00", "31AB00");
        Stats stats = new Stats();
        stats.start();
        int delivered = 0;
        double peakRss = 0;
        try (Connection in = isk.createConnection(); Connection out = vo.createConnection()) {
            out.start();
            Session ss = in.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session rs = out.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = ss.createProducer(ss.createQueue("gateway.inbound"));
            MessageConsumer consumer = rs.createConsumer(rs.createQueue("inbox.31AB00"));
            for (int i = 0; i < count; i++) {
                String id = "L" + IDS.incrementAndGet();
                BytesMessage m = ss.createBytesMessage();
                m.writeBytes(queuePayloads.dossier(id, size));
                long t = System.nanoTime();
                producer.send(m);
                Message received = consumer.receive(180_000);
                if (received instanceof BytesMessage body && id.equals(received.getStringProperty("schakelMessageId"))) {
                    // the receiving school reads the whole body
                    byte[] chunk = new byte[65536];
                    long length = 0;
                    int n;
                    while ((n = body.readBytes(chunk)) > 0) {
                        length += n;
                    }
                    if (length > size / 2) {
                        stats.record(t, System.nanoTime());
                        delivered++;
                    }
                }
                peakRss = Math.max(peakRss, gateway.rssMb());
            }
        }
        System.out.printf("%-32s %7d B  delivered %d of %d, p50 %.0f ms, gateway alive %s%n", "gateway-queue-20mb", size, delivered, count,
                stats.percentile(50), gateway.process.isAlive());
        results.add(new Result("gateway-queue-20mb", size, Double.NaN, round(stats.percentile(50)), round(stats.percentile(99)),
                round(stats.percentile(100)), peakRss, gateway.heapMb(), null, null, count + " dossiers one after another, "
                + "gateway -Xmx256m, JSON receiver reads each whole; delivered " + delivered + " of " + count
                + (gateway.process.isAlive() ? "" : "; the gateway process died")));

        Payloads filePayloads = new Payloads("30AA00", "30AB00");
        Path inbox = gateway.dataDir.resolve("inbox/30AA00");
        Path outbox = gateway.dataDir.resolve("outbox/30AB00");
        Stats fileStats = new Stats();
        fileStats.start();
        int written = 0;
        peakRss = 0;
        for (int i = 0; i < count; i++) {
            String id = "LF" + IDS.incrementAndGet();
            byte[] dossier = filePayloads.dossier(id, size);
            Path temp = inbox.resolve(".large-" + id + ".part");
            Files.write(temp, dossier);
            long t = System.nanoTime();
            Files.move(temp, inbox.resolve("large-" + id + ".xml"), StandardCopyOption.ATOMIC_MOVE);
            Path target = outbox.resolve("dossier-30AA00-" + id + ".xml");
            long until = t + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < until && !(Files.exists(target) && Files.size(target) == dossier.length)) {
                Thread.sleep(20);
                peakRss = Math.max(peakRss, gateway.rssMb());
            }
            if (Files.exists(target) && Files.size(target) == dossier.length) {
                fileStats.record(t, System.nanoTime());
                written++;
                Files.delete(target);
            }
        }
        System.out.printf("%-32s %7d B  delivered %d of %d, p50 %.0f ms%n", "gateway-file-20mb", size, written, count, fileStats.percentile(50));
        results.add(new Result("gateway-file-20mb", size, Double.NaN, round(fileStats.percentile(50)), round(fileStats.percentile(99)),
                round(fileStats.percentile(100)), peakRss, gateway.heapMb(), null, null, count + " dossiers one after another, "
                + "gateway -Xmx256m, XML receiver; delivered " + written + " of " + count + "; file picked up after schakel.file.min-age-ms"));
        return results;
    }

    // ---------------------------------------------------------------- the gateway as its own process

    static final class GatewayProcess implements AutoCloseable {
        static List<String> extraArgs = List.of();
        final Process process;
        final Path dataDir;
        final int brokerPort;
        final long startupMs;
        /** NOCDS: start without target/schakel.jsa. */
        static boolean noCds;
        final String heap;
        final int managementPort;

        private GatewayProcess(Process process, Path dataDir, int brokerPort, long startupMs, String heap, int managementPort) {
            this.process = process;
            this.dataDir = dataDir;
            this.brokerPort = brokerPort;
            this.startupMs = startupMs;
            this.heap = heap;
            this.managementPort = managementPort;
        }

        /** The gateway's health document (/observe/health, every check with its details). */
        String health() throws IOException, InterruptedException {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        }

        String heapNote() {
            // a run argument (-Xmx512m) comes after the process's own heap and wins
            java.util.Optional<String> given = extraArgs.stream().filter(a -> a.startsWith("-Xmx")).reduce((first, last) -> last);
            return given.map(a -> ", " + a).orElse(heap == null ? ", default heap" : ", -Xmx" + heap);
        }

        static GatewayProcess start(String heap) throws Exception {
            return start(heap, "gateway" + (heap == null ? "" : "-" + heap) + ".log");
        }

        static GatewayProcess start(String heap, String logName) throws Exception {
            Path dataDir = Files.createTempDirectory("schakel-bench-gateway-");
            int management = freePort();
            int broker = freePort();
            long t0 = System.nanoTime();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (heap != null) {
                command.add("-Xmx" + heap);
            }
            // as the README starts it: with the class-data sharing archive the build made (CdsArchive), if there is one,
            // unless the run says NOCDS (the JDK's own archive only, as before)
            Path archive = Path.of("target/schakel.jsa").toAbsolutePath();
            if (Files.exists(archive) && !noCds) {
                command.add("-XX:SharedArchiveFile=" + archive);
            }
            command.addAll(List.of("-Dschakel.data-dir=" + dataDir, "-Dcamel.management.port=" + management, "-Dschakel.broker.port=" + broker,
                    "-Dschakel.console.port=" + freePort()));
            // the HTTP API on a free port unless a mode chose one
            if (extraArgs.stream().noneMatch(a -> a.startsWith("-Dcamel.server.port="))) {
                command.add("-Dcamel.server.port=" + freePort());
            }
            command.addAll(extraArgs);
            command.addAll(List.of("-jar", Path.of("target/schakel-gateway.jar").toAbsolutePath().toString()));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(Path.of("target/bench").resolve(logName).toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"UP\"")) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!p.isAlive() || System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                    throw new IllegalStateException("the gateway did not start; see target/bench/gateway*.log");
                }
                Thread.sleep(20);
            }
            long startup = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%-32s %d ms%n", "gateway startup to ready", startup);
            return new GatewayProcess(p, dataDir, broker, startup, heap, management);
        }

        double rssMb() {
            return process.isAlive() ? Benchmark.rssMb(process.pid()) : Double.NaN;
        }

        double heapMb() {
            if (!process.isAlive()) {
                return Double.NaN;
            }
            try {
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(process.pid()), "GC.heap_info").redirectErrorStream(true).start();
                String text = new String(jcmd.getInputStream().readAllBytes());
                jcmd.waitFor(30, TimeUnit.SECONDS);
                Matcher m = Pattern.compile("used (\\d+)K").matcher(text);
                return m.find() ? round(Long.parseLong(m.group(1)) / 1024.0) : Double.NaN;
            } catch (IOException | InterruptedException e) {
                return Double.NaN;
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    // ---------------------------------------------------------------- output

    private static void write(Path out, List<Result> results, boolean quick) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("summary.json").toFile(), results);
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(LocalDateTime.now().withNano(0)).append(quick ? " (short mode)" : "").append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ").append(System.getProperty("java.vm.name"))
                .append(' ').append(System.getProperty("java.version")).append("\n\n");
        md.append("| scenario | size | dossiers/s | p50 ms | p99 ms | max ms | RSS MB | heap used MB | broker alone /s | ratio | note |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Result r : results) {
            md.append("| ").append(r.scenario()).append(" | ").append(r.size_bytes() == 0 ? "" : human(r.size_bytes())).append(" | ")
                    .append(fmt(r.throughput_per_s())).append(" | ").append(fmt(r.p50_ms())).append(" | ").append(fmt(r.p99_ms()))
                    .append(" | ").append(fmt(r.max_ms())).append(" | ").append(fmt(r.rss_mb())).append(" | ").append(fmt(r.heap_mb()))
                    .append(" | ").append(r.broker_alone_per_s() == null ? "" : fmt(r.broker_alone_per_s())).append(" | ")
                    .append(r.ratio() == null ? "" : fmt(r.ratio())).append(" | ").append(r.note() == null ? "" : r.note()).append(" |\n");
        }
        Files.writeString(out.resolve("summary.md"), md.toString());
        System.out.println();
        System.out.println(md);
        System.out.println("Written: " + out.resolve("summary.json") + " and " + out.resolve("summary.md"));
    }

    private static String human(int bytes) {
        return bytes >= 1024 * 1024 ? String.format("%.1f MB", bytes / 1048576.0) : (bytes / 1024) + " KB";
    }

    private static String fmt(double v) {
        return Double.isNaN(v) || v == 0 ? "" : (v >= 100 ? String.valueOf(Math.round(v)) : String.valueOf(round(v)));
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
    }

    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Double.NaN;
    }

    static double usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        return round((rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
