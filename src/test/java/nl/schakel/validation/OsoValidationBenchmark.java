package nl.schakel.validation;

import nl.schakel.directory.Directory;
import nl.schakel.oso.OsoExamples;
import nl.schakel.oso.OsoMapping;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The validation stages for a published OSO example beside {@link ValidationStagesBenchmark}'s v1
 * dossiers: parsing with the OSO XSD, every stage (XSD, Schakel's OSO rules, routing and context
 * with the receiver named by the channel), and the mapping to v1 a v1 or JSON receiver gets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OsoValidationBenchmark {
    @Param({"Voorbeelddossier_OV_POVO_opt_out.xml", "Voorbeelddossier_OV_VOVO_full.xml"})
    public String example;

    private byte[] dossier;
    private XmlReader reader;
    private MessageValidator validator;
    private Verdict accepted;
    private final OsoMapping mapping = new OsoMapping();
    private OsoMapping.Party sender;
    private OsoMapping.Party receiver;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dossier = OsoExamples.from(OsoExamples.OSO.resolve("examples").resolve(example), "30AA00");
        DocumentCatalogue catalogue = DocumentCatalogue.load(List.of(Path.of("schemas/catalogue.yaml").toUri().toURL()),
                Map.of("standards", OsoExamples.OSO.toAbsolutePath().toString()), skipped -> {
                    throw new IllegalStateException("the OSO XSD is not in ../shared/oso");
                });
        Directory directory;
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/demo-directory.yaml"))) {
            directory = Directory.read(in, "demo");
        }
        reader = new XmlReader(catalogue, 100);
        validator = new MessageValidator(catalogue, directory, 20 << 20, 100);
        accepted = allStages();
        sender = new OsoMapping.Party("30AA00", "ISK", "ISK De Waalbrug (demo)");
        receiver = new OsoMapping.Party("30AB00", "VO", "Lyceum Over de Brug (demo)");
    }

    @Benchmark
    public Object parseAndSchema() throws Exception {
        return reader.read(dossier);
    }

    @Benchmark
    public Verdict allStages() {
        Verdict v = validator.validate(dossier, "30AA00", "30AB00");
        if (!v.accepted()) {
            throw new IllegalStateException("the benchmark dossier is invalid: " + v.errors().stream().map(ValidationError::code).toList());
        }
        return v;
    }

    @Benchmark
    public byte[] mapToV1() throws Exception {
        return mapping.toV1(accepted.document(), accepted.field("messageId"), sender, receiver, OffsetDateTime.now());
    }
}
