package nl.schakel.bench;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SOAK: a steady mixed load for a long time against one gateway process, sampling the process
 * for growth. 50 dossiers a second, half on the queue channel (31AA00 to 31AB00, JMS over TCP) and
 * half on the file channel (30AA00 to 30AB00, 32AA00 to 32AB00, 33AA00 to 34AB00); one in ten is
 * 200 KB, one in ten invalid (a REJECTED receipt), the rest 8 KB; the receiving schools acknowledge
 * one dossier in five (31AB00 over the queue, 30AB00 through its inbox). Every sample interval
 * (a minute; a twelfth of the run when that is shorter) it samples the gateway: heap used after a
 * full GC (jcmd GC.run, GC.heap_info), RSS, threads, open files, and the broker's journal,
 * large-messages and paging folders. At the end every message is accounted for and each series is
 * judged flat or not by the slope of a least-squares line over the last two thirds of the samples.
 * Writes target/bench/soak.csv and target/bench/soak.md.
 */
final class Soak {
    private static final int RATE_PER_S = 50;
    private static final int SIZE_SMALL = 8 * 1024;
    private static final int SIZE_LARGE = 200 * 1024;
    /** One dossier in this many a receiving school acknowledges. */
    private static final int ACK_EVERY = 5;
    private static final String[] INVALID = {
            "RULE-ARRIVAL-AFTER-DOSSIER.xml", "RULE-SENSITIVE-NEED-WITHOUT-BASIS.xml", "RULE-NEXT-GOAL-NOT-HIGHER.xml",
            "XSD-cvc-datatype-valid.1.2.1--birth-date.xml", "XSD-cvc-complex-type.2.4.a--residence-status-not-allowed.xml",
            "PARSE-MALFORMED--unclosed-element.xml"};
    private static final Pattern DOSSIER_FILE = Pattern.compile("(dossier|acknowledgement)-(\\w+)-(.+)\\.(xml|json)");

    /** A series judged flat when its slope over the last two thirds of the samples is at most this, per minute. */
    record Series(String name, String unit, double maxSlopePerMin, int column) {
    }

    private static final List<Series> SERIES = List.of(
            new Series("heap used after GC", "MB", 1.0, 5),
            new Series("RSS", "MB", 2.0, 6),
            new Series("threads", "", 0.1, 7),
            new Series("open files", "", 0.2, 8),
            new Series("broker journal", "MB", 1.0, 9),
            new Series("broker large-messages", "MB", 1.0, 10),
            new Series("broker paging", "MB", 1.0, 11),
            // ledger rows are kept by design (2 years): a transfer's row and its timeline events are well under 2 KB,
            // so at 50 messages/s (3,000 a minute) more than 5 MB a minute is more than the rows
            new Series("ledger database (rows kept by design)", "MB", 5.0, 12));

    private static final String CSV_HEADER = "elapsed_s,sent,delivered,rejected,in_flight,heap_after_gc_mb,rss_mb,threads,open_files,"
            + "journal_mb,large_messages_mb,paging_mb,ledger_mb,quarantine_files,queue_p50_ms,queue_p99_ms,file_p50_ms,file_p99_ms";

    /** One message sent, and what came of it. */
    static final class Sent {
        final String id;
        final String sender;
        final String receiver;
        final String kind;
        final boolean invalid;
        /** When it was sent (nanos): the JMS send, or the rename into the inbox. */
        volatile long at;
        final AtomicInteger deliveries = new AtomicInteger();
        final AtomicInteger receipts = new AtomicInteger();
        volatile String status;
        volatile String deliveredTo;

        Sent(String id, String sender, String receiver, String kind, boolean invalid, long at) {
            this.id = id;
            this.sender = sender;
            this.receiver = receiver;
            this.kind = kind;
            this.invalid = invalid;
            this.at = at;
        }

        boolean done() {
            return invalid ? receipts.get() > 0 : receipts.get() > 0 && deliveries.get() > 0;
        }

        boolean asExpected() {
            return invalid ? receipts.get() == 1 && "REJECTED".equals(status) && deliveries.get() == 0
                    : receipts.get() == 1 && "ACCEPTED".equals(status) && deliveries.get() == 1 && receiver.equals(deliveredTo);
        }
    }

    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final AtomicLong sentCount = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong unknownDeliveries = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final Map<String, Map<String, AtomicLong>> receiptsBySender = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> unmatchedReceipts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<double[]> queueLatencies = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<double[]> fileLatencies = new ConcurrentLinkedQueue<>();
    private final Stats queueAll = new Stats();
    private final Stats fileAll = new Stats();
    /** Dossiers a receiving school will acknowledge: id and when (nanos). */
    private final ConcurrentLinkedQueue<long[]> ackDueAt = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> queueAcks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> fileAcks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicLong ids = new AtomicLong();
    private final Benchmark.GatewayProcess gateway;
    private final Path dataDir;

    private Soak(Benchmark.GatewayProcess gateway) {
        this.gateway = gateway;
        this.dataDir = gateway.dataDir;
        queueAll.start();
        fileAll.start();
    }

    /** {@code SOAK [duration]}: 60m by default; 90s, 3m, 2h also work. */
    static Duration duration(List<String> args) {
        int i = args.indexOf("SOAK");
        if (i >= 0 && i + 1 < args.size()) {
            Matcher m = Pattern.compile("(\\d+)([smh]?)").matcher(args.get(i + 1));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofMinutes(n);
                };
            }
        }
        return Duration.ofMinutes(60);
    }

    static void run(List<String> args) throws Exception {
        Duration duration = duration(args);
        Duration interval = Duration.ofSeconds(Math.max(10, Math.min(60, duration.toSeconds() / 12)));
        Path out = Files.createDirectories(Path.of("target/bench"));
        System.out.printf("SOAK %d s, %d dossiers/s, a sample every %d s; gateway log target/bench/gateway-soak.log%n",
                duration.toSeconds(), RATE_PER_S, interval.toSeconds());
        try (Benchmark.GatewayProcess gateway = Benchmark.GatewayProcess.start(null, "gateway-soak.log")) {
            new Soak(gateway).soak(duration, interval, out);
        }
    }

    private void soak(Duration duration, Duration interval, Path out) throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Path csv = out.resolve("soak.csv");
        Files.writeString(csv, CSV_HEADER + "\n");
        List<double[]> samples = new ArrayList<>();
        String started = LocalDateTime.now().withNano(0).toString();
        long t0 = System.nanoTime();
        try (FileSchools files = new FileSchools(dataDir)) {
            ActiveMQConnectionFactory isk = factory("31AA00");
            ActiveMQConnectionFactory vo = factory("31AB00");
            listen(isk, "31AA00", connections);
            listen(vo, "31AB00", connections);
            for (String code : List.of("30AA00", "30AB00", "30AC00", "32AA00", "32AB00", "33AA00", "34AB00")) {
                files.watch(code, this::outboxFile);
            }
            threads.add(thread("soak-queue-sender", () -> queueSender(isk, connections)));
            threads.add(thread("soak-file-sender", () -> fileSender(files)));
            threads.add(thread("soak-answers", () -> answers(vo, files, connections)));

            long end = t0 + duration.toNanos();
            long next = t0 + interval.toNanos();
            while (System.nanoTime() < end) {
                sleepUntil(Math.min(next, end));
                if (System.nanoTime() >= next) {
                    sample(t0, samples, csv);
                    next += interval.toNanos();
                }
                if (!gateway.process.isAlive()) {
                    System.out.println("the gateway process died; see target/bench/gateway-soak.log");
                    break;
                }
            }
            sending.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
            long sentBy = System.nanoTime();
            // drain: everything sent ends in a delivery and a receipt, or a rejection
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < until && sent.values().stream().anyMatch(s -> !s.done())) {
                Thread.sleep(500);
            }
            // late duplicates would arrive now
            Thread.sleep(5000);
            double drainS = (System.nanoTime() - sentBy) / 1e9;
            sample(t0, samples, csv);
            String health = gateway.health();
            Files.writeString(out.resolve("soak-health.json"), health);
            for (Connection c : connections) {
                c.close();
            }
            report(out, started, duration, interval, samples, drainS, health);
        }
    }

    private ActiveMQConnectionFactory factory(String code) {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.brokerPort, code, "demo-" + code);
        f.setBlockOnDurableSend(false);
        f.setConfirmationWindowSize(1024 * 1024);
        return f;
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
        return t;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    // ---------------------------------------------------------------- what is sent

    /** Kind of the n-th message of a channel: one in ten invalid, one in ten 200 KB, the rest 8 KB. */
    private static String kind(long n) {
        return n % 10 == 0 ? "invalid" : n % 10 == 5 ? "dossier-200KB" : "dossier-8KB";
    }

    private static byte[] invalid(long n, String id, boolean queue) throws IOException {
        String text = Files.readString(Path.of("schemas/examples/invalid").resolve(INVALID[(int) ((n / 10) % INVALID.length)]));
        Matcher m = Pattern.compile("<messageId>([^<]*)</messageId>").matcher(text);
        text = m.find() ? text.replace(m.group(1), id) : text;
        if (queue) {
            text = text.replace("30AA00", "31AA00").replace("30AB00", "31AB00");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String ack(String id, String refersTo, String from, String to) throws IOException {
        return Files.readString(Path.of("schemas/examples/answers/acknowledgement-accepted.xml"))
                .replace("LOB30AB-ACK-0001", id).replace("ISK30AA-2026-0001", refersTo).replace("30AA00", to).replace("30AB00", from);
    }

    private void track(String id, String sender, String receiver, String kind, boolean invalid, long at) {
        sent.put(id, new Sent(id, sender, receiver, kind, invalid, at));
        sentCount.incrementAndGet();
    }

    private void queueSender(ActiveMQConnectionFactory isk, List<Connection> connections) {
        try {
            Connection c = isk.createConnection();
            connections.add(c);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("gateway.inbound"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Payloads payloads = new Payloads("31AA00", "31AB00");
            long next = System.nanoTime();
            for (long n = 0; sending.get(); n++) {
                next += 2_000_000_000L / RATE_PER_S;
                sleepUntil(next);
                String kind = kind(n);
                String id = "SQ" + ids.incrementAndGet();
                byte[] body = kind.equals("invalid") ? invalid(n, id, true)
                        : payloads.dossier(id, kind.equals("dossier-200KB") ? SIZE_LARGE : SIZE_SMALL);
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                track(id, "31AA00", "31AB00", kind, kind.equals("invalid"), System.nanoTime());
                try {
                    producer.send(m);
                } catch (JMSException e) {
                    sendErrors.incrementAndGet();
                    sent.remove(id);
                    sentCount.decrementAndGet();
                }
            }
        } catch (JMSException | IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fileSender(FileSchools files) {
        try {
            Payloads[] pairs = {new Payloads("30AA00", "30AB00"), Payloads.example("nt2-to-po.xml"), Payloads.example("azc-to-po.xml")};
            String[][] codes = {{"30AA00", "30AB00"}, {"32AA00", "32AB00"}, {"33AA00", "34AB00"}};
            long next = System.nanoTime();
            for (long n = 0; sending.get(); n++) {
                next += 2_000_000_000L / RATE_PER_S;
                sleepUntil(next);
                String kind = kind(n);
                int pair = kind.equals("invalid") ? 0 : (int) (n % 3);
                String id = "SF" + ids.incrementAndGet();
                byte[] body = kind.equals("invalid") ? invalid(n, id, false)
                        : pairs[pair].dossier(id, kind.equals("dossier-200KB") ? SIZE_LARGE : SIZE_SMALL);
                track(id, codes[pair][0], codes[pair][1], kind, kind.equals("invalid"), System.nanoTime());
                sent.get(id).at = files.drop(codes[pair][0], id + ".xml", body);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The receiving schools acknowledge the dossiers queued for it, a second after they got them. */
    private void answers(ActiveMQConnectionFactory vo, FileSchools files, List<Connection> connections) {
        try {
            Connection c = vo.createConnection();
            connections.add(c);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("gateway.inbound"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            while (sending.get()) {
                Thread.sleep(100);
                long due = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
                answer(queueAcks, due, refersTo -> {
                    String id = "SA" + ids.incrementAndGet();
                    BytesMessage m = s.createBytesMessage();
                    m.writeBytes(ack(id, refersTo, "31AB00", "31AA00").getBytes(StandardCharsets.UTF_8));
                    track(id, "31AB00", "31AA00", "acknowledgement", false, System.nanoTime());
                    producer.send(m);
                });
                answer(fileAcks, due, refersTo -> {
                    String id = "SB" + ids.incrementAndGet();
                    byte[] body = ack(id, refersTo, "30AB00", "30AA00").getBytes(StandardCharsets.UTF_8);
                    track(id, "30AB00", "30AA00", "acknowledgement", false, System.nanoTime());
                    sent.get(id).at = files.drop("30AB00", id + ".xml", body);
                });
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    interface Answer {
        void to(String refersTo) throws Exception;
    }

    /** Answers the dossiers in {@code queue} that were delivered before {@code due}; the queue holds "id@nanos". */
    private static void answer(ConcurrentLinkedQueue<String> queue, long due, Answer answer) throws Exception {
        for (String head = queue.peek(); head != null; head = queue.peek()) {
            int at = head.lastIndexOf('@');
            if (Long.parseLong(head.substring(at + 1)) > due) {
                return;
            }
            queue.poll();
            answer.to(head.substring(0, at));
        }
    }

    // ---------------------------------------------------------------- what arrives

    private void listen(ActiveMQConnectionFactory factory, String code, List<Connection> connections) throws JMSException {
        Connection c = factory.createConnection();
        connections.add(c);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createConsumer(s.createQueue("inbox." + code)).setMessageListener(m -> {
            try {
                String type = m.getStringProperty("schakelType");
                if ("receipt".equals(type)) {
                    receipt(code, m.getStringProperty("schakelRefersTo"), FileSchools.status(body(m)));
                } else {
                    delivery(code, m.getStringProperty("schakelMessageId"), System.nanoTime(), queueLatencies, queueAll, queueAcks);
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        c.start();
    }

    private static String body(Message m) throws JMSException {
        BytesMessage b = (BytesMessage) m;
        byte[] bytes = new byte[(int) b.getBodyLength()];
        b.readBytes(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void outboxFile(String code, String name, Path path, long seen) throws IOException {
        if (name.startsWith("receipt-")) {
            FileSchools.Receipt r = FileSchools.receipt(path);
            receipt(code, r.refersTo(), r.status());
            return;
        }
        Matcher m = DOSSIER_FILE.matcher(name);
        if (m.matches()) {
            delivery(code, m.group(3), seen, fileLatencies, fileAll, "30AB00".equals(code) ? fileAcks : null);
        } else {
            unknownDeliveries.incrementAndGet();
        }
    }

    private void delivery(String code, String id, long at, ConcurrentLinkedQueue<double[]> interval, Stats all,
                          ConcurrentLinkedQueue<String> acks) {
        Sent s = id == null ? null : sent.get(id);
        if (s == null) {
            unknownDeliveries.incrementAndGet();
            return;
        }
        s.deliveredTo = code;
        if (s.deliveries.incrementAndGet() == 1) {
            delivered.incrementAndGet();
            if (!s.kind.equals("acknowledgement")) {
                interval.add(new double[] {(at - s.at) / 1e6});
                all.record(s.at, at);
                if (acks != null && sending.get() && id.hashCode() % ACK_EVERY == 0) {
                    acks.add(id + "@" + at);
                }
            }
        }
    }

    private void receipt(String code, String refersTo, String status) {
        receiptsBySender.computeIfAbsent(code, k -> new ConcurrentHashMap<>()).computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        Sent s = refersTo == null ? null : sent.get(refersTo);
        if (s == null || !s.sender.equals(code)) {
            unmatchedReceipts.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
            return;
        }
        s.status = status;
        if (s.receipts.incrementAndGet() == 1 && "REJECTED".equals(status)) {
            rejected.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- samples

    private void sample(long t0, List<double[]> samples, Path csv) throws IOException {
        long pid = gateway.process.pid();
        double heap = heapAfterGc(pid);
        Map<String, String> status = procStatus(pid);
        double rss = status.containsKey("VmRSS") ? Long.parseLong(status.get("VmRSS").replaceAll("[^0-9]", "")) / 1024.0 : Double.NaN;
        double threads = status.containsKey("Threads") ? Double.parseDouble(status.get("Threads").trim()) : Double.NaN;
        double fds = count(Path.of("/proc/" + pid + "/fd"));
        Path broker = dataDir.resolve("broker");
        double[] q = percentiles(queueLatencies);
        double[] f = percentiles(fileLatencies);
        long sentNow = sentCount.get();
        long deliveredNow = delivered.get();
        long rejectedNow = rejected.get();
        double[] row = {(System.nanoTime() - t0) / 1e9, sentNow, deliveredNow, rejectedNow, sentNow - deliveredNow - rejectedNow,
                heap, rss, threads, fds, mb(broker.resolve("journal")), mb(broker.resolve("large-messages")), mb(broker.resolve("paging")),
                mb(dataDir.resolve("ledger")), count(dataDir.resolve("quarantine")), q[0], q[1], f[0], f[1]};
        samples.add(row);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
            line.append(i == 0 ? "" : ",").append(Double.isNaN(row[i]) ? "" : String.valueOf(Benchmark.round(row[i])));
        }
        Files.writeString(csv, line + "\n", java.nio.file.StandardOpenOption.APPEND);
        System.out.printf(Locale.ROOT, "%6.0f s  sent %7d  delivered %7d  rejected %5d  heap %6.1f MB  RSS %6.1f MB  threads %4.0f  fds %4.0f  "
                        + "journal %5.1f MB  large %5.1f MB  paging %5.1f MB  p99 queue %5.0f ms file %5.0f ms%n",
                row[0], sentNow, deliveredNow, rejectedNow, heap, rss, threads, fds, row[9], row[10], row[11], q[1], f[1]);
    }

    private static double[] percentiles(ConcurrentLinkedQueue<double[]> latencies) {
        List<Double> values = new ArrayList<>();
        for (double[] v = latencies.poll(); v != null; v = latencies.poll()) {
            values.add(v[0]);
        }
        if (values.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        values.sort(null);
        return new double[] {values.get((int) Math.ceil(0.5 * values.size()) - 1), values.get((int) Math.ceil(0.99 * values.size()) - 1)};
    }

    /** Heap used after a full collection: jcmd GC.run, then GC.heap_info ("used NNNK" of the whole heap). */
    static double heapAfterGc(long pid) {
        jcmd(pid, "GC.run");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    }

    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), command)
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return text;
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static Map<String, String> procStatus(long pid) {
        Map<String, String> values = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    values.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return values;
    }

    /** Entries under a folder (all depths; the folders themselves not counted). */
    private static double count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir) && !Files.isDirectory(p)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            // an entry went away while walking: count again
            try (Stream<Path> s = Files.list(dir)) {
                return s.count();
            } catch (IOException | java.io.UncheckedIOException again) {
                return Double.NaN;
            }
        }
    }

    /** Bytes of the files under a folder, in MB. */
    private static double mb(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0;
                    }
                }).sum() / 1048576.0;
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file went away while walking
            }
        }
        return Double.NaN;
    }

    /** Least-squares slope of column {@code column} against elapsed minutes, over the last two thirds of the samples. */
    static double slopePerMinute(List<double[]> samples, int column) {
        List<double[]> tail = samples.subList(samples.size() / 3, samples.size());
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] s : tail) {
            if (Double.isNaN(s[column])) {
                continue;
            }
            double x = s[0] / 60.0;
            n++;
            sx += x;
            sy += s[column];
            sxx += x * x;
            sxy += x * s[column];
        }
        double d = n * sxx - sx * sx;
        return n < 2 || d == 0 ? Double.NaN : (n * sxy - sx * sy) / d;
    }

    // ---------------------------------------------------------------- the account

    /**
     * Messages on DLQ.*, from the health document: the failed-work check is UP when none wait there,
     * and DOWN with "N message(s) on the dead-letter queues DLQ.*" when some do.
     */
    static String deadLetters(String health) {
        Matcher check = Pattern.compile("\\{\"name\":\"failed-work\",\"status\":\"(\\w+)\"([^}]*)}").matcher(health);
        if (!check.find()) {
            return "unknown (no failed-work check in the health document)";
        }
        if (check.group(1).equals("UP")) {
            return "0";
        }
        Matcher n = Pattern.compile("(\\d+) message\\(s\\) on the dead-letter queues").matcher(check.group(2));
        return n.find() ? n.group(1) : "0 (failed-work DOWN for another reason: " + check.group(2) + ")";
    }

    private void report(Path out, String started, Duration duration, Duration interval, List<double[]> samples, double drainS,
                        String health) throws IOException {
        long total = sent.size();
        long invalid = sent.values().stream().filter(s -> s.invalid).count();
        long valid = total - invalid;
        long deliveredOnce = sent.values().stream().filter(s -> !s.invalid && s.deliveries.get() == 1 && s.receiver.equals(s.deliveredTo)).count();
        long deliveredTwice = sent.values().stream().filter(s -> s.deliveries.get() > 1).count();
        long wrongReceiver = sent.values().stream().filter(s -> s.deliveries.get() > 0 && !s.receiver.equals(s.deliveredTo)).count();
        long missing = sent.values().stream().filter(s -> !s.invalid && s.deliveries.get() == 0).count();
        long invalidDelivered = sent.values().stream().filter(s -> s.invalid && s.deliveries.get() > 0).count();
        long noReceipt = sent.values().stream().filter(s -> s.receipts.get() == 0).count();
        long twoReceipts = sent.values().stream().filter(s -> s.receipts.get() > 1).count();
        long wrongStatus = sent.values().stream().filter(s -> s.receipts.get() > 0 && !(s.invalid ? "REJECTED" : "ACCEPTED").equals(s.status)).count();
        long asExpected = sent.values().stream().filter(Sent::asExpected).count();
        String deadLetters = deadLetters(health);
        boolean accounted = asExpected == total && unknownDeliveries.get() == 0 && unmatchedReceipts.isEmpty() && "0".equals(deadLetters)
                && sendErrors.get() == 0;

        Map<String, Map<String, Long>> byKind = new TreeMap<>();
        for (Sent s : sent.values()) {
            byKind.computeIfAbsent(s.sender + " " + s.kind, k -> new TreeMap<>()).merge(s.asExpected() ? "as expected" : "NOT as expected", 1L, Long::sum);
        }

        StringBuilder md = new StringBuilder();
        md.append("# Soak run ").append(started).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d s of load at %d dossiers/s (half queue channel 31AA00 to 31AB00, half file channel 30AA00 to 30AB00, "
                        + "32AA00 to 32AB00, 33AA00 to 34AB00; one in ten 200 KB, one in ten invalid, the rest 8 KB; one delivered dossier in about "
                        + "%d acknowledged by 31AB00 over the queue and by 30AB00 through its inbox), one gateway process with the JVM's default heap, "
                        + "%d cores, %s %s. A sample every %d s; the drain after the last send took %.0f s.%n%n",
                duration.toSeconds(), RATE_PER_S, ACK_EVERY, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), interval.toSeconds(), drainS));
        md.append("## Every message accounted for: ").append(accounted ? "yes" : "NO").append("\n\n");
        md.append("| | count |\n| --- | ---: |\n");
        md.append("| messages sent (dossiers, invalid documents, acknowledgements) | ").append(total).append(" |\n");
        md.append("| valid (to be delivered) | ").append(valid).append(" |\n");
        md.append("| delivered exactly once, to their receiver | ").append(deliveredOnce).append(" |\n");
        md.append("| not delivered | ").append(missing).append(" |\n");
        md.append("| delivered more than once | ").append(deliveredTwice).append(" |\n");
        md.append("| delivered to another institution | ").append(wrongReceiver).append(" |\n");
        md.append("| invalid (to be rejected) | ").append(invalid).append(" |\n");
        md.append("| invalid but delivered | ").append(invalidDelivered).append(" |\n");
        md.append("| without a receipt | ").append(noReceipt).append(" |\n");
        md.append("| more than one receipt | ").append(twoReceipts).append(" |\n");
        md.append("| receipt with another status than expected (ACCEPTED / REJECTED) | ").append(wrongStatus).append(" |\n");
        md.append("| deliveries of ids never sent | ").append(unknownDeliveries.get()).append(" |\n");
        md.append("| receipts matching no message of that sender | ").append(unmatchedReceipts).append(" |\n");
        md.append("| sends that failed at the client | ").append(sendErrors.get()).append(" |\n");
        md.append("| messages on DLQ.* (health: dead-letters) | ").append(deadLetters).append(" |\n\n");
        md.append("Receipts per sender:\n\n| sender | status | receipts |\n| --- | --- | ---: |\n");
        new TreeMap<>(receiptsBySender).forEach((sender, statuses) -> new TreeMap<>(statuses).forEach((status, n) ->
                md.append("| ").append(sender).append(" | ").append(status).append(" | ").append(n.get()).append(" |\n")));
        md.append("\nPer sender and kind:\n\n| sender, kind | outcome | messages |\n| --- | --- | ---: |\n");
        byKind.forEach((k, v) -> v.forEach((outcome, n) -> md.append("| ").append(k).append(" | ").append(outcome).append(" | ").append(n).append(" |\n")));
        md.append(String.format(Locale.ROOT, "%nDelivery latency over the whole run (send or rename into the inbox until the receiver has it): "
                        + "queue channel p50 %.1f ms, p99 %.1f ms, max %.0f ms (%d dossiers); file channel p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d dossiers).%n%n",
                queueAll.percentile(50), queueAll.percentile(99), queueAll.percentile(100), queueAll.count(),
                fileAll.percentile(50), fileAll.percentile(99), fileAll.percentile(100), fileAll.count()));

        md.append("## Flat or growing\n\nSlope of a least-squares line over the last two thirds of the ").append(samples.size())
                .append(" samples (elapsed minutes on the x axis), against the threshold per minute")
                .append(duration.toMinutes() < 30 ? " (a run this short mostly shows warm-up and noise: read the slopes of a 60-minute run)" : "")
                .append(":\n\n");
        md.append("| series | first | last | min | max | slope /min | threshold /min | verdict |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        boolean allFlat = true;
        for (Series s : SERIES) {
            double slope = slopePerMinute(samples, s.column());
            double min = samples.stream().mapToDouble(r -> r[s.column()]).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
            double max = samples.stream().mapToDouble(r -> r[s.column()]).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
            boolean flat = !Double.isNaN(slope) && slope <= s.maxSlopePerMin();
            allFlat &= flat;
            md.append(String.format(Locale.ROOT, "| %s | %.1f %s | %.1f %s | %.1f | %.1f | %+.3f | %.2f | %s |%n", s.name(),
                    samples.get(0)[s.column()], s.unit(), samples.get(samples.size() - 1)[s.column()], s.unit(), min, max, slope,
                    s.maxSlopePerMin(), Double.isNaN(slope) ? "too few samples" : flat ? "flat" : "GROWING"));
        }
        md.append(String.format(Locale.ROOT, "%nThe ledger grows with its rows by design (kept 2 years); its threshold allows about 1.7 KB a message "
                        + "at %d messages/s. Quarantine (kept 30 days, by design): %.0f to %.0f files.%n", RATE_PER_S,
                samples.get(0)[13], samples.get(samples.size() - 1)[13]));
        md.append("\nVerdict: ").append(allFlat ? "every sampled series flat" : "NOT every series flat (see above)").append(accounted
                ? "; every message accounted for." : "; NOT every message accounted for.").append("\n\nSamples: target/bench/soak.csv (")
                .append(CSV_HEADER).append(")\n");
        if (!health.contains("\"status\":\"UP\"") && !health.contains("\"status\": \"UP\"")) {
            md.append("\nHealth at the end was not UP: ").append(health.replaceAll("\\s+", " ")).append('\n');
        }
        Files.writeString(out.resolve("soak.md"), md.toString());
        System.out.println();
        System.out.println(md);
        System.out.println("Written: " + out.resolve("soak.csv") + " and " + out.resolve("soak.md"));
    }
}
