package nl.schakel.cli;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the command line in-process through picocli, with its own environment, standard input and no
 * console, capturing what it prints; every run is checked to print no pupil value of the examples.
 */
final class Cli {
    static final Path EXAMPLES = Path.of("schemas/examples");
    static final Path DEMO_DIRECTORY = Path.of("src/main/resources/demo-directory.yaml");
    private static final Pattern PERSONAL = Pattern.compile(
            "<(givenNames|familyName|familyNamePrefix|birthDate|pgn|description|title)>([^<]+)</");
    private static final Set<String> PUPIL_VALUES = pupilValues();

    record Result(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(Map.of(), "", args);
    }

    static Result run(Map<String, String> environment, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Schakel root = new Schakel(environment::get, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), () -> null);
        CommandLine cl = Schakel.commandLine(root);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        Result result = new Result(code, out.toString(), err.toString());
        assertThat(result.out() + result.err()).as("what the command printed").doesNotContain(PUPIL_VALUES);
        return result;
    }

    /** Every name, birth date, personal number and free text of the examples (as PrivacyTest gathers them). */
    private static Set<String> pupilValues() {
        Set<String> values = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Matcher m = PERSONAL.matcher(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
                while (m.find()) {
                    values.add(m.group(2).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the billion-laughs file would otherwise contribute "lol"
        values.removeIf(v -> v.length() < 5);
        assertThat(values).contains("Samira Fictief", "2012-05-14");
        return values;
    }
}
