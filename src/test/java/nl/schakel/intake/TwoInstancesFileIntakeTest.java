package nl.schakel.intake;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import nl.schakel.ledger.ClaimHeldException;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.LeaseExpiredException;
import nl.schakel.ledger.LedgerUnavailableException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances' file intake on one shared inbox folder and one PostgreSQL ledger: the
 * gateway's own route template (routes/intake-file.camel.yaml) with its read lock and the shared
 * pick-up lock, twice, each with its own lease; intake itself is replaced by a step that claims the
 * message id in the ledger and notes who took which file. Each of 200 files is taken exactly once.
 * (Two whole gateways in one JVM would each need their own broker, which is not the real set-up.)
 */
class TwoInstancesFileIntakeTest {
    private static final int FILES = 200;
    @TempDir
    Path dataDir;
    private EmbeddedPostgres postgres;
    private final List<AutoCloseable> open = new ArrayList<>();
    /** Per file name, which instance took it and what its claim said. */
    private final Map<String, List<String>> taken = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void two_instances_on_one_inbox_folder_and_ledger_take_each_of_200_files_exactly_once() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        pool.setMaximumPoolSize(8);
        HikariDataSource dataSource = new HikariDataSource(pool);
        open.add(dataSource);
        new Ledger(dataSource, Clock.systemUTC()).migrate();
        Path inbox = Files.createDirectories(dataDir.resolve("inbox").resolve("30AA00"));

        instance("gw-a", dataSource);
        instance("gw-b", dataSource);
        for (int i = 0; i < FILES; i++) {
            // written under another name and renamed, as schools are told to
            Path temp = inbox.resolve(".writing-" + i);
            Files.writeString(temp, "<dossier n=\"" + i + "\"/>");
            Files.move(temp, inbox.resolve("dossier-" + i + ".xml"));
        }

        await().atMost(Duration.ofMinutes(3)).until(() -> taken.size() == FILES && inboxFiles(inbox) == 0);
        assertThat(taken).allSatisfy((file, by) -> assertThat(by).as(file).hasSize(1).allMatch(t -> t.endsWith(":NEW")));
        // every lock given up with its file
        await().atMost(Duration.ofSeconds(30)).until(() -> locks(dataSource) == 0);
    }

    /** One instance: its ledger with a lease, its shared pick-up lock, the file route from the gateway's template. */
    private void instance(String id, HikariDataSource dataSource) throws Exception {
        Ledger ledger = new Ledger(dataSource, Clock.systemUTC()).withLease(id, Duration.ofMinutes(1));
        ledger.takeLease();
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.setProperty("schakel.data-dir", dataDir.toString());
        props.setProperty("schakel.intake.auto-startup", "true");
        props.setProperty("schakel.file.poll-delay-ms", "50");
        props.setProperty("schakel.file.max-files-per-poll", "20");
        context.getPropertiesComponent().setInitialProperties(props);
        SharedPickup shared = new SharedPickup(dataSource, context, 30_000, 1_000);
        context.getRegistry().bind("inboxFiles", new InboxFiles());
        context.getRegistry().bind("inboxReadLock", new InboxReadLock(0, Clock.systemUTC(), shared, InboxWatch.none()));
        context.getRegistry().bind("inboxPollers", context.getExecutorServiceManager().newScheduledThreadPool(this, "inbox-poller-" + id, 2));
        // the part of the file channel's error policy (routes/error-handling.camel.yaml) these exceptions meet: the file waits
        context.addRoutesConfigurations(new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("file-intake-errors").onException(LedgerUnavailableException.class, LeaseExpiredException.class, ClaimHeldException.class)
                        .handled(false);
            }
        });
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:intake").routeId("intake").process(exchange -> {
                    String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
                    String transferId = "R-" + SharedPickup.digest(exchange.getProperty(Intake.INPUT_KEY, String.class)).substring(0, 30);
                    Ledger.Claim claim = ledger.claim("30AA00", name, transferId);
                    taken.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(id + ":" + claim.kind());
                });
            }
        });
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:routes/intake-file.camel.yaml"));
        context.start();
        shared.start();
        context.addRouteFromTemplate("intake-file-30AA00", "intake-file", Map.of("code", "30AA00"));
        open.add(context::stop);
        open.add(shared::stop);
    }

    private static long inboxFiles(Path inbox) throws Exception {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".xml")).count();
        }
    }

    private static long locks(HikariDataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM schakel_file_lock")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
