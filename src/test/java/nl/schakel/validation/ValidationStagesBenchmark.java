package nl.schakel.validation;

import nl.schakel.directory.Directory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.w3c.dom.Document;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The validation stages one at a time (JMH): safe parsing alone, parsing with XSD validation (one
 * pass), and everything including the Schematron rules and context rules. Rules alone are the
 * difference of the last two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValidationStagesBenchmark {
    @Param({"8192", "204800"})
    public int size;

    private byte[] dossier;
    private XmlReader reader;
    private MessageValidator validator;
    private DocumentBuilderFactory parsers;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dossier = new nl.schakel.bench.PayloadsAccess().dossier(size);
        DocumentCatalogue catalogue = DocumentCatalogue.load(Path.of("schemas/catalogue.yaml").toUri().toURL());
        Directory directory;
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/demo-directory.yaml"))) {
            directory = Directory.read(in, "demo");
        }
        reader = new XmlReader(catalogue, 100);
        validator = new MessageValidator(catalogue, directory, 20 << 20, 100);
        parsers = DocumentBuilderFactory.newInstance();
        parsers.setNamespaceAware(true);
        parsers.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        parsers.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    }

    @Benchmark
    public Document parse() throws Exception {
        return parsers.newDocumentBuilder().parse(new ByteArrayInputStream(dossier));
    }

    @Benchmark
    public Object parseAndSchema() throws Exception {
        return reader.read(dossier);
    }

    @Benchmark
    public Verdict allStages() {
        Verdict v = validator.validate(dossier, "31AA00");
        if (!v.accepted()) {
            throw new IllegalStateException("the benchmark dossier is invalid: " + v.errors());
        }
        return v;
    }
}
