package nl.schakel.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latencies in milliseconds and a count within the measured window. */
final class Stats {
    private final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean measuring;

    void start() {
        measuring = true;
    }

    void stop() {
        measuring = false;
    }

    void record(long sentNanos, long receivedNanos) {
        if (measuring) {
            latencies.add((receivedNanos - sentNanos) / 1e6);
        }
    }

    int count() {
        return latencies.size();
    }

    double percentile(double p) {
        List<Double> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1 < 0 ? 0 : (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
