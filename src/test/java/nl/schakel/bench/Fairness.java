package nl.schakel.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FAIRNESS: one school floods its inbox while others keep sending. 30AA00 drops 10,000 valid 8 KB
 * dossiers for 30AB00 at once (written under dot names, then renamed one after another as fast as
 * the disk allows); 32AA00 (to 32AB00) and 33AA00 (to 34AB00, under the Emmen-Hardenberg agreement)
 * drop one dossier a second each, first without the flood (the baseline), then while it drains.
 * Latency runs from the rename into the inbox until the dossier file is in the receiver's outbox.
 * Every dossier must be delivered once and get an ACCEPTED receipt.
 */
final class Fairness {
    static final int FLOOD = 10_000;
    private static final int SIZE = 8 * 1024;
    private static final String FLOODER = "30AA00";
    private static final String[][] SMALL = {{"32AA00", "32AB00", "nt2-to-po.xml"}, {"33AA00", "34AB00", "azc-to-po.xml"}};
    private static final Pattern DOSSIER = Pattern.compile("dossier-(\\w+)-(.+)\\.xml");

    /** A dossier dropped, and what came of it. */
    static final class Drop {
        final String sender;
        final String receiver;
        volatile long at;
        volatile long deliveredAt;
        final AtomicInteger deliveries = new AtomicInteger();
        final AtomicInteger receipts = new AtomicInteger();
        volatile String status;

        Drop(String sender, String receiver) {
            this.sender = sender;
            this.receiver = receiver;
        }
    }

    private final Map<String, Drop> drops = new ConcurrentHashMap<>();
    private final AtomicInteger unmatched = new AtomicInteger();
    private final AtomicInteger floodDelivered = new AtomicInteger();
    private volatile long floodDrainedAt;

    static List<Benchmark.Result> run(boolean quick) throws Exception {
        try (Benchmark.GatewayProcess gateway = Benchmark.GatewayProcess.start(null, "gateway-fairness.log")) {
            return new Fairness().run(gateway, quick);
        }
    }

    private List<Benchmark.Result> run(Benchmark.GatewayProcess gateway, boolean quick) throws Exception {
        List<Benchmark.Result> results = new ArrayList<>();
        try (FileSchools schools = new FileSchools(gateway.dataDir)) {
            for (String code : List.of(FLOODER, "30AB00", "32AA00", "32AB00", "33AA00", "34AB00")) {
                schools.watch(code, this::outboxFile);
            }
            Payloads flood = new Payloads(FLOODER, "30AB00");
            Payloads[] small = {Payloads.example(SMALL[0][2]), Payloads.example(SMALL[1][2])};
            AtomicInteger ids = new AtomicInteger();

            // warm-up: the flooding school at 20/s beside the small schools, so the JIT has seen the file channel
            int warmS = quick ? 10 : 45;
            long next = System.nanoTime();
            for (int s = 0; s < warmS * 20; s++) {
                next += 50_000_000L;
                sleepUntil(next);
                String id = "FW" + ids.incrementAndGet();
                dropOne(schools, FLOODER, "30AB00", id, flood.dossier(id, SIZE));
                if (s % 20 == 0) {
                    for (int i = 0; i < SMALL.length; i++) {
                        String sid = "FW" + ids.incrementAndGet();
                        dropOne(schools, SMALL[i][0], SMALL[i][1], sid, small[i].dossier(sid, SIZE));
                    }
                }
            }
            awaitAllDone(TimeUnit.MINUTES.toNanos(2));
            System.out.printf("%-32s %d dossiers, all delivered: %s%n", "fairness warm-up", drops.size(), allDone());

            // baseline: the small schools alone, one dossier a second each
            int baselineS = quick ? 20 : 60;
            List<List<String>> baseline = trickle(schools, small, ids, "FB", System.nanoTime() + TimeUnit.SECONDS.toNanos(baselineS), null);
            awaitAllDone(TimeUnit.MINUTES.toNanos(1));

            // the flood: 10,000 written under dot names, then renamed into the inbox one after another
            Path inbox = gateway.dataDir.resolve("inbox").resolve(FLOODER);
            List<String> floodIds = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                String id = "FF" + ids.incrementAndGet();
                floodIds.add(id);
                java.nio.file.Files.write(inbox.resolve(".flood-" + id + ".part"), flood.dossier(id, SIZE));
                drops.put(id, new Drop(FLOODER, "30AB00"));
            }
            long floodStart = System.nanoTime();
            Thread renamer = new Thread(() -> {
                try {
                    for (String id : floodIds) {
                        Drop d = drops.get(id);
                        d.at = System.nanoTime();
                        java.nio.file.Files.move(inbox.resolve(".flood-" + id + ".part"), inbox.resolve("flood-" + id + ".xml"),
                                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "flood-renamer");
            renamer.start();
            // the small schools go on while the flood drains (at most 15 minutes)
            List<List<String>> during = trickle(schools, small, ids, "FD", floodStart + TimeUnit.MINUTES.toNanos(15), () -> floodDrainedAt != 0);
            renamer.join();
            double renameS = (drops.get(floodIds.get(FLOOD - 1)).at - floodStart) / 1e9;
            awaitAllDone(TimeUnit.MINUTES.toNanos(2));
            double drainS = floodDrainedAt == 0 ? Double.NaN : (floodDrainedAt - floodStart) / 1e9;

            // the account
            Stats floodStats = stats(floodIds);
            long floodOnce = floodIds.stream().filter(id -> drops.get(id).deliveries.get() == 1).count();
            long floodAccepted = floodIds.stream().filter(id -> drops.get(id).receipts.get() == 1 && "ACCEPTED".equals(drops.get(id).status)).count();
            long allOk = drops.values().stream().filter(d -> d.deliveries.get() == 1 && d.receipts.get() == 1 && "ACCEPTED".equals(d.status)).count();
            String account = String.format("every dossier of the run (%d, warm-up and small schools included) delivered once with an ACCEPTED receipt: %s "
                    + "(%d of %d; files in no account: %d)", drops.size(), allOk == drops.size() && unmatched.get() == 0 ? "yes" : "NO", allOk,
                    drops.size(), unmatched.get());
            System.out.printf("%-32s %d dossiers renamed in %.1f s, drained in %.1f s; delivered once %d, ACCEPTED receipts %d; %s%n",
                    "fairness flood " + FLOODER, FLOOD, renameS, drainS, floodOnce, floodAccepted, account);
            results.add(new Benchmark.Result("fairness-flood-drain-" + FLOODER, SIZE, Benchmark.round(FLOOD / drainS),
                    Benchmark.round(floodStats.percentile(50)), Benchmark.round(floodStats.percentile(99)), Benchmark.round(floodStats.percentile(100)),
                    gateway.rssMb(), gateway.heapMb(), null, null, String.format("%d dossiers dropped at once (renamed in %.1f s) drained in %.1f s "
                            + "(last one in the outbox); delivered exactly once %d of %d, ACCEPTED receipts %d of %d; latency from each rename; %s",
                            FLOOD, renameS, drainS, floodOnce, FLOOD, floodAccepted, FLOOD, account)));
            for (int i = 0; i < SMALL.length; i++) {
                results.add(small("fairness-baseline-" + SMALL[i][0], baseline.get(i), "no flood, " + baselineS + " s after " + warmS
                        + " s warm-up", gateway));
                results.add(small("fairness-during-flood-" + SMALL[i][0], during.get(i), "while " + FLOODER + "'s " + FLOOD
                        + " drained", gateway));
            }
        }
        return results;
    }

    private Benchmark.Result small(String name, List<String> ids, String what, Benchmark.GatewayProcess gateway) {
        Stats s = stats(ids);
        long ok = ids.stream().filter(id -> drops.get(id).deliveries.get() == 1 && "ACCEPTED".equals(drops.get(id).status)).count();
        System.out.printf("%-32s %d dossiers  p50 %.0f ms  p99 %.0f ms  max %.0f ms%n", name, ids.size(), s.percentile(50), s.percentile(99), s.percentile(100));
        return new Benchmark.Result(name, SIZE, Double.NaN, Benchmark.round(s.percentile(50)), Benchmark.round(s.percentile(99)),
                Benchmark.round(s.percentile(100)), gateway.rssMb(), Double.NaN, null, null, "one dossier a second, " + what + "; " + s.count()
                + " dossiers, " + ok + " delivered once with an ACCEPTED receipt; rename into the inbox until the file is in the receiver's outbox");
    }

    private Stats stats(List<String> ids) {
        Stats s = new Stats();
        s.start();
        for (String id : ids) {
            Drop d = drops.get(id);
            if (d.deliveredAt != 0) {
                s.record(d.at, d.deliveredAt);
            }
        }
        return s;
    }

    interface Until {
        boolean done();
    }

    /** Each small school drops one dossier a second until {@code deadline} or {@code until}; the ids per school. */
    private List<List<String>> trickle(FileSchools schools, Payloads[] small, AtomicInteger ids, String prefix, long deadline, Until until)
            throws Exception {
        List<List<String>> sent = new ArrayList<>();
        for (int i = 0; i < SMALL.length; i++) {
            sent.add(new ArrayList<>());
        }
        long next = System.nanoTime();
        while (System.nanoTime() < deadline && (until == null || !until.done())) {
            for (int i = 0; i < SMALL.length; i++) {
                String id = prefix + ids.incrementAndGet();
                dropOne(schools, SMALL[i][0], SMALL[i][1], id, small[i].dossier(id, SIZE));
                sent.get(i).add(id);
            }
            next += TimeUnit.SECONDS.toNanos(1);
            sleepUntil(next);
        }
        return sent;
    }

    private void dropOne(FileSchools schools, String sender, String receiver, String id, byte[] body) throws java.io.IOException {
        Drop d = new Drop(sender, receiver);
        d.at = System.nanoTime();
        drops.put(id, d);
        d.at = schools.drop(sender, id + ".xml", body);
    }

    private void outboxFile(String code, String name, Path path, long seen) throws java.io.IOException {
        if (name.startsWith("receipt-")) {
            FileSchools.Receipt r = FileSchools.receipt(path);
            Drop d = r.refersTo() == null ? null : drops.get(r.refersTo());
            if (d == null || !d.sender.equals(code)) {
                unmatched.incrementAndGet();
                return;
            }
            d.status = r.status();
            d.receipts.incrementAndGet();
            return;
        }
        Matcher m = DOSSIER.matcher(name);
        Drop d = m.matches() ? drops.get(m.group(2)) : null;
        if (d == null || !d.receiver.equals(code)) {
            unmatched.incrementAndGet();
            return;
        }
        if (d.deliveries.incrementAndGet() == 1) {
            d.deliveredAt = seen;
            if (d.sender.equals(FLOODER) && m.group(2).startsWith("FF") && floodDelivered.incrementAndGet() == FLOOD) {
                floodDrainedAt = seen;
            }
        }
    }

    private boolean allDone() {
        return drops.values().stream().allMatch(d -> d.deliveries.get() > 0 && d.receipts.get() > 0);
    }

    private void awaitAllDone(long timeoutNanos) throws InterruptedException {
        long until = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < until && !allDone()) {
            Thread.sleep(200);
        }
        // a late duplicate would arrive now
        Thread.sleep(2000);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
