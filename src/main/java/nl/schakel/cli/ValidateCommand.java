package nl.schakel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.schakel.directory.Directory;
import nl.schakel.validation.DocumentCatalogue;
import nl.schakel.validation.MessageValidator;
import nl.schakel.validation.ValidationError;
import nl.schakel.validation.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code schakel validate FILE|DIR...}: the gateway's own validation stages (safe parse, XSD, rules,
 * context) over files, offline. Prints per file its message id and every error's code, place and
 * message; never anything else from the document (the validator's messages quote no values).
 */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Validates files offline with the gateway's own stages.",
                "The stages: safe parse, XML Schema, business rules, context rules. A folder means every *.xml and *.json in it.",
                "Exit 0: every file valid; 1: a file invalid; 2: usage error (unknown option, missing file)."})
final class ValidateCommand implements java.util.concurrent.Callable<Integer> {
    /** From this many files on, progress goes to standard error. */
    static final int PROGRESS_FROM = 50;

    enum Format { text, json }

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "files, or folders of *.xml and *.json files")
    List<Path> paths;

    @Option(names = "--directory", paramLabel = "FILE",
            description = "the gateway's directory file (YAML): enables the context rules that need it (known institutions, kinds, agreements)")
    Path directoryFile;

    @Option(names = "--as", paramLabel = "CODE", description = "the institution sending the files (the gateway checks the sender is the channel's owner)")
    String sendingAs;

    @Option(names = "--receiver", paramLabel = "CODE",
            description = "the receiver, for a document that names none (an OSO dossier): as the receiver folder or schakelReceiver would")
    String receiver;

    @Option(names = {"-r", "--recursive"}, description = "folders with their subfolders")
    boolean recursive;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text (default) or json: one JSON document with a result per file")
    Format format;

    @ParentCommand
    Schakel root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Path> files = files();
        Directory directory = directoryFile == null ? null : directory();
        GatewayDefaults settings = GatewayDefaults.load(root::env);
        List<java.net.URL> catalogues = nl.schakel.Locations.urls(settings.text("schakel.catalogue"), settings.text("schakel.catalogue-extensions"),
                GatewayDefaults.class.getClassLoader()::getResource);
        List<String> notInstalled = new ArrayList<>();
        DocumentCatalogue catalogue = DocumentCatalogue.load(catalogues,
                java.util.Map.of("standards", settings.text("schakel.standards-dir")),
                notInstalled::add);
        int maxBytes = settings.integer("schakel.max-message-bytes");
        MessageValidator validator = MessageValidator.offline(catalogue, directory, maxBytes, settings.integer("schakel.max-element-depth"));

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Report report = format == Format.json ? new JsonReport(out) : new TextReport(out);
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), files.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "schakel-validate");
            t.setDaemon(true);
            return t;
        });
        int invalid = 0;
        boolean unknownType = false;
        try {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (Path file : files) {
                outcomes.add(pool.submit(() -> Outcome.of(validate(validator, file, maxBytes))));
            }
            long lastProgress = System.nanoTime();
            for (int i = 0; i < files.size(); i++) {
                Outcome outcome = finished(outcomes.get(i));
                // reported: let it go (a thousand files are not held to the end)
                outcomes.set(i, null);
                if (!outcome.valid()) {
                    invalid++;
                    unknownType |= outcome.errors().stream().anyMatch(e -> e.code().equals("DOC-UNKNOWN-TYPE"));
                }
                report.file(files.get(i), outcome);
                if (files.size() >= PROGRESS_FROM && (i + 1 == files.size() || System.nanoTime() - lastProgress > 1_000_000_000L)) {
                    err.printf("validated %d of %d files, %d invalid%n", i + 1, files.size(), invalid);
                    err.flush();
                    lastProgress = System.nanoTime();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        report.end(files.size(), invalid, skipped());
        if (unknownType && !notInstalled.isEmpty()) {
            // a standard whose files are not installed, e.g. the OSO XSD: say how to check those documents too
            err.println("Not accepted without the standard's files: " + String.join(", ", notInstalled)
                    + ". Set schakel.standards-dir (-Dschakel.standards-dir=FOLDER or SCHAKEL_STANDARDS_DIR) to the folder that holds them.");
        }
        out.flush();
        return invalid == 0 ? 0 : Schakel.INVALID;
    }

    private Verdict validate(MessageValidator validator, Path file, int maxBytes) throws IOException {
        if (Files.size(file) > maxBytes) {
            return validator.tooLarge();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return validator.validate(in.readAllBytes(), sendingAs, receiver);
        }
    }

    private static Outcome finished(Future<Outcome> task) throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The files named, and the *.xml and *.json files of the folders named, in order; a missing one is a usage error. */
    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> found = recursive ? Files.walk(p) : Files.list(p)) {
                    found.filter(Files::isRegularFile).filter(ValidateCommand::isMessageFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p) && Files.isReadable(p)) {
                files.add(p);
            } else {
                throw new ParameterException(spec.commandLine(), "cannot read " + p + (Files.exists(p) ? "" : ": no such file or folder"));
            }
        }
        if (files.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no *.xml or *.json files in " + paths);
        }
        return files;
    }

    private static boolean isMessageFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".xml") || name.endsWith(".json");
    }

    private Directory directory() throws IOException {
        if (!Files.isRegularFile(directoryFile) || !Files.isReadable(directoryFile)) {
            throw new ParameterException(spec.commandLine(), "cannot read the directory file " + directoryFile);
        }
        try (InputStream in = Files.newInputStream(directoryFile)) {
            return Directory.read(in, directoryFile.toString());
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "the directory file is not valid (schakel directory check "
                    + directoryFile + " says why): " + e.getMessage());
        }
    }

    /** The context rules this run does not apply, each with why. */
    private List<String[]> skipped() {
        List<String[]> skipped = new ArrayList<>();
        if (directoryFile == null) {
            for (String code : MessageValidator.CODES_NEEDING_DIRECTORY) {
                skipped.add(new String[] {code, "without --directory FILE"});
            }
        }
        if (sendingAs == null) {
            skipped.add(new String[] {"CTX-SENDER-NOT-CHANNEL-OWNER", "without --as CODE"});
        }
        skipped.add(new String[] {MessageValidator.CODE_NEEDING_LEDGER, "only the gateway checks it: it needs the ledger"});
        return skipped;
    }

    /** What a report needs of a verdict: the message id, the document type and the errors, not the document. */
    record Outcome(String messageId, String documentType, List<ValidationError> errors) {
        static Outcome of(Verdict verdict) {
            return new Outcome(verdict.field("messageId"), verdict.type() == null ? null : verdict.type().id(), verdict.errors());
        }

        boolean valid() {
            return errors.isEmpty();
        }
    }

    private interface Report {
        void file(Path file, Outcome outcome);

        void end(int files, int invalid, List<String[]> skipped);
    }

    private static final class TextReport implements Report {
        private final PrintWriter out;

        TextReport(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void file(Path file, Outcome outcome) {
            String id = outcome.messageId();
            out.println(file + ": " + (outcome.valid() ? "valid" : "INVALID") + (id == null ? "" : " (message " + id + ")"));
            for (ValidationError e : outcome.errors()) {
                out.println(ErrorLines.line(e.code(), e.line(), e.column(), e.path(), e.message()));
            }
        }

        @Override
        public void end(int files, int invalid, List<String[]> skipped) {
            out.println(files + (files == 1 ? " file: " : " files: ") + (files - invalid) + " valid, " + invalid + " invalid");
            // one line per reason: the codes it leaves unchecked, then why
            Map<String, List<String>> byReason = new LinkedHashMap<>();
            for (String[] s : skipped) {
                byReason.computeIfAbsent(s[1], r -> new ArrayList<>()).add(s[0]);
            }
            out.println("Not checked offline:");
            byReason.forEach((reason, codes) -> out.println("  " + String.join(", ", codes) + " (" + reason + ")"));
        }
    }

    private static final class JsonReport implements Report {
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        private final PrintWriter out;
        private final ObjectNode document = JSON.createObjectNode();
        private final ArrayNode results;

        JsonReport(PrintWriter out) {
            this.out = out;
            this.results = JSON.createArrayNode();
        }

        @Override
        public void file(Path file, Outcome outcome) {
            ObjectNode r = results.addObject();
            r.put("file", file.toString());
            r.put("valid", outcome.valid());
            r.put("messageId", outcome.messageId());
            r.put("documentType", outcome.documentType());
            ArrayNode errors = r.putArray("errors");
            for (ValidationError e : outcome.errors()) {
                ObjectNode o = errors.addObject();
                o.put("code", e.code());
                o.put("stage", e.stage().name());
                o.put("line", e.line());
                o.put("column", e.column());
                o.put("path", e.path());
                o.put("message", e.message());
            }
        }

        @Override
        public void end(int files, int invalid, List<String[]> skipped) {
            document.put("valid", invalid == 0);
            document.put("files", files);
            document.put("invalidFiles", invalid);
            ArrayNode notChecked = document.putArray("notChecked");
            for (String[] s : skipped) {
                notChecked.addObject().put("code", s[0]).put("reason", s[1]);
            }
            document.set("results", results);
            try {
                out.println(JSON.writeValueAsString(document));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
