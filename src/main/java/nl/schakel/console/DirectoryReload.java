package nl.schakel.console;

import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.URL;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Reloads the directory from its file (schakel.directory) when an operator asks. The new file is
 * read and checked in full before anything changes; it takes effect only when every change can be
 * made while the gateway runs: names, kinds, regions and formats of institutions, agreements, and
 * new institutions on the file channel (their folders and routes are made). Removing an
 * institution, moving one to another channel, or adding one on the queue channel (it needs a
 * broker login) is refused with the reason: those need a restart.
 */
public final class DirectoryReload {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryReload.class);

    /** Makes the folders and routes of a new file-channel institution. */
    public interface NewFileInstitution {
        void add(Institution institution) throws Exception;
    }

    public record Result(List<String> changes) {
    }

    /** The new file could not be taken; nothing changed. */
    public static final class Refused extends Exception {
        private final List<String> problems;

        public Refused(List<String> problems) {
            super("the directory was not reloaded", null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final Directory directory;
    private final String location;
    private final Callable<URL> locate;
    private final NewFileInstitution newFileInstitution;
    private final Ledger ledger;
    private final Clock clock;
    private volatile OffsetDateTime loadedAt;

    public DirectoryReload(Directory directory, String location, Callable<URL> locate, NewFileInstitution newFileInstitution, Ledger ledger,
                           Clock clock) {
        this.directory = directory;
        this.location = location;
        this.locate = locate;
        this.newFileInstitution = newFileInstitution;
        this.ledger = ledger;
        this.clock = clock;
        this.loadedAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    public String location() {
        return location;
    }

    public OffsetDateTime loadedAt() {
        return loadedAt;
    }

    public synchronized Result reload(String operator) throws Refused {
        Directory newer;
        try (InputStream in = locate.call().openStream()) {
            newer = Directory.read(in, location);
        } catch (Exception e) {
            ledger.recordAction(operator, "reload-directory-refused", location, null);
            throw new Refused(List.of(e instanceof IllegalArgumentException ? e.getMessage()
                    : "cannot read " + location + " (" + e.getClass().getSimpleName() + ")"));
        }
        List<String> problems = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        List<Institution> added = new ArrayList<>();
        for (Institution old : directory.all()) {
            Institution now = newer.find(old.code()).orElse(null);
            if (now == null) {
                problems.add("institution " + old.code() + " is no longer listed: removing an institution needs a restart");
            } else if (now.channel() != old.channel()) {
                problems.add("institution " + old.code() + " moves to the " + now.channel().name().toLowerCase() + " channel: that needs a restart");
            } else if (!now.equals(old)) {
                changes.add("institution " + old.code() + " changed" + describe(old, now));
            }
        }
        for (Institution now : newer.all()) {
            if (directory.find(now.code()).isEmpty()) {
                if (now.channel() == Institution.Channel.QUEUE) {
                    problems.add("institution " + now.code() + " is new on the queue channel: it needs a broker login, so a restart "
                            + "with its password in schakel.broker.credentials-file");
                } else if (now.channel() == Institution.Channel.HTTP) {
                    problems.add("institution " + now.code() + " is new on the http channel: it needs an API token, so a restart "
                            + "with its token in schakel.http.tokens-file");
                } else {
                    added.add(now);
                    changes.add("institution " + now.code() + " added on the file channel");
                }
            }
        }
        Set<String> before = agreementKeys(directory);
        Set<String> after = agreementKeys(newer);
        for (String a : after) {
            if (!before.contains(a)) {
                changes.add("agreement " + a + " added");
            }
        }
        for (String a : before) {
            if (!after.contains(a)) {
                changes.add("agreement " + a + " removed");
            }
        }
        if (!problems.isEmpty()) {
            ledger.recordAction(operator, "reload-directory-refused", location, null);
            LOG.warn("Operator {} asked to reload the directory; refused: {}", operator, problems);
            throw new Refused(problems);
        }
        directory.replaceWith(newer);
        for (Institution i : added) {
            try {
                newFileInstitution.add(i);
            } catch (Exception e) {
                changes.add("institution " + i.code() + ": its routes could not be started (" + e.getClass().getSimpleName() + "); restart the gateway");
            }
        }
        loadedAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        ledger.recordAction(operator, "reload-directory", location, null);
        LOG.info("Operator {} reloaded the directory from {}: {} change(s)", operator, location, changes.size());
        return new Result(changes.isEmpty() ? List.of("no changes") : changes);
    }

    private static String describe(Institution old, Institution now) {
        List<String> what = new ArrayList<>();
        if (!Objects.equals(old.name(), now.name())) {
            what.add("name");
        }
        if (old.kind() != now.kind()) {
            what.add("kind " + old.kind().value() + " -> " + now.kind().value());
        }
        if (!old.region().equals(now.region())) {
            what.add("region " + old.region() + " -> " + now.region());
        }
        if (old.format() != now.format()) {
            what.add("format " + old.format() + " -> " + now.format());
        }
        return what.isEmpty() ? "" : ": " + String.join(", ", what);
    }

    private static Set<String> agreementKeys(Directory d) {
        Set<String> keys = new HashSet<>();
        for (Directory.Agreement a : d.agreements()) {
            List<String> pair = new ArrayList<>(a.between());
            pair.sort(null);
            keys.add((a.name() == null ? "" : "'" + a.name() + "' ") + pair.get(0) + "-" + pair.get(1));
        }
        return keys;
    }
}
