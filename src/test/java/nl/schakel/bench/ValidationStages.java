package nl.schakel.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Runs the JMH benchmark of the validation stages and turns it into summary rows. */
final class ValidationStages {
    private ValidationStages() {
    }

    static List<Benchmark.Result> run(boolean quick) throws Exception {
        Options options = new OptionsBuilder()
                .include("nl.schakel.validation.ValidationStagesBenchmark")
                .include("nl.schakel.validation.OsoValidationBenchmark")
                .forks(1)
                .warmupIterations(quick ? 2 : 3).warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 3 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .jvmArgs("-Xmx512m")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        List<Benchmark.Result> rows = new ArrayList<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            String example = r.getParams().getParam("example");
            if (example != null) {
                // an OSO example: its size is the file's, the row names it
                method = "oso-" + method + "-" + example.replace("Voorbeelddossier_OV_", "").replace(".xml", "");
            }
            int size = example != null ? (int) java.nio.file.Files.size(nl.schakel.oso.OsoExamples.OSO.resolve("examples").resolve(example))
                    : Integer.parseInt(r.getParams().getParam("size"));
            double micros = r.getPrimaryResult().getScore();
            double perSecond = 1_000_000.0 / micros;
            rows.add(new Benchmark.Result("validation-" + method, size, Benchmark.round(perSecond), Benchmark.round(micros / 1000.0),
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, null,
                    "JMH, one thread: " + Benchmark.round(micros) + " µs per dossier (±" + Benchmark.round(r.getPrimaryResult().getScoreError()) + ")"));
        }
        return rows;
    }
}
