package nl.schakel.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code schakel directory check FILE}: reads a directory file as the gateway does (codes, kinds,
 * regions, channels, formats, agreements), adds the warnings only worth giving offline, and prints
 * what it found.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a directory file as the gateway reads it.",
                "Warns about what is legal but likely a mistake",
                "(an agreement within one region, the same pair twice, regions differing only in case), and prints the",
                "institutions per channel, region, kind and format.",
                "Exit 0: the gateway would read it; 1: it would not; 2: usage error."})
final class DirectoryCheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the directory file (YAML)")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file);
        }
        PrintWriter out = spec.commandLine().getOut();
        Directory directory;
        try (InputStream in = Files.newInputStream(file)) {
            directory = Directory.read(in, file.toString());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            out.println(file + ": not a valid directory" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage());
            out.flush();
            return Schakel.INVALID;
        } catch (IllegalArgumentException e) {
            out.println("not a valid directory: " + e.getMessage());
            out.flush();
            return Schakel.INVALID;
        }
        List<Institution> all = directory.all();
        out.println(file + ": " + all.size() + " institution" + (all.size() == 1 ? "" : "s") + ", " + directory.agreements().size()
                + " agreement" + (directory.agreements().size() == 1 ? "" : "s"));
        out.println("  per channel: " + counts(all, i -> i.channel().name().toLowerCase(Locale.ROOT)));
        out.println("  per region:  " + counts(all, Institution::region));
        out.println("  per kind:    " + counts(all, i -> i.kind().value()));
        out.println("  per format:  " + counts(all, i -> i.format().name().toLowerCase(Locale.ROOT)));
        List<String> warnings = warnings(directory);
        for (String w : warnings) {
            out.println("warning: " + w);
        }
        out.println(warnings.isEmpty() ? "The gateway can read it; no warnings." : "The gateway can read it; " + warnings.size()
                + " warning" + (warnings.size() == 1 ? "." : "s."));
        out.flush();
        return 0;
    }

    private static String counts(List<Institution> all, Function<Institution, String> key) {
        Map<String, Integer> counts = new TreeMap<>();
        all.forEach(i -> counts.merge(key.apply(i), 1, Integer::sum));
        StringBuilder b = new StringBuilder();
        counts.forEach((k, n) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(n));
        return b.length() == 0 ? "none" : b.toString();
    }

    /** What the gateway accepts but is likely a mistake. */
    static List<String> warnings(Directory directory) {
        List<String> warnings = new ArrayList<>();
        if (directory.all().isEmpty()) {
            warnings.add("no institutions: the gateway would accept nothing");
        }
        Map<String, String> regionSpellings = new HashMap<>();
        for (Institution i : directory.all()) {
            String normal = i.region().trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            String earlier = regionSpellings.putIfAbsent(normal, i.region());
            if (earlier != null && !earlier.equals(i.region())) {
                warnings.add("regions '" + earlier + "' and '" + i.region() + "' (" + i.code()
                        + ") differ only in case or spaces: they are two regions to the gateway");
                regionSpellings.put(normal, i.region());
            }
            if (i.name() == null || i.name().isBlank()) {
                warnings.add("institution " + i.code() + " has no name (operators and the console show it)");
            }
        }
        Map<String, String> pairs = new HashMap<>();
        for (Directory.Agreement a : directory.agreements()) {
            String x = a.between().get(0);
            String y = a.between().get(1);
            if (x.equals(y)) {
                warnings.add("agreement '" + a.name() + "' names " + x + " twice");
                continue;
            }
            Institution ix = directory.find(x).orElseThrow();
            Institution iy = directory.find(y).orElseThrow();
            if (ix.region().equals(iy.region())) {
                warnings.add("agreement '" + a.name() + "' is between " + x + " and " + y + " of one region (" + ix.region()
                        + "): institutions of a region exchange without one");
            }
            String key = x.compareTo(y) < 0 ? x + "|" + y : y + "|" + x;
            String earlier = pairs.putIfAbsent(key, a.name());
            if (earlier != null) {
                warnings.add("agreements '" + earlier + "' and '" + a.name() + "' both list " + x + " and " + y);
            }
        }
        return warnings;
    }
}
