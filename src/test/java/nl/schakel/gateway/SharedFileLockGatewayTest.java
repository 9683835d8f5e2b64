package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway with the file channel's shared pick-up lock on (schakel.file.shared-lock=true, as for
 * several instances on one folder): a dossier another instance holds is left alone, and taken,
 * delivered once, once the other lets go; its lock row goes with the file.
 */
class SharedFileLockGatewayTest extends GatewayTestSupport {
    @Override
    protected Properties extraProperties() {
        return properties("schakel.file.shared-lock", "true", "schakel.file.lock-max-age-ms", "30000", "schakel.file.lock-keep-alive-ms", "1000");
    }

    @Test
    void a_dossier_another_instance_holds_waits_and_is_delivered_once_when_it_lets_go() throws Exception {
        Ledger ledger = context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
        // another instance on the same folder and ledger
        nl.schakel.intake.SharedPickup other = new nl.schakel.intake.SharedPickup(ledger.dataSource(), context, 30_000, 1_000).start();
        try {
            java.nio.file.Path temp = inbox("30AA00").resolve(".shared.tmp");
            Files.write(temp, Files.readString(EXAMPLES.resolve("isk-to-vo.xml")).replace("ISK30AA-2026-0001", "SHARED-1").getBytes());
            java.nio.file.Path file = Files.move(temp, inbox("30AA00").resolve("shared.xml"));
            java.util.Map<String, Object> a = Files.readAttributes(file, "unix:lastModifiedTime,ino,ctime,size", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            String key = "file:" + file + ":" + a.get("ino") + ":" + a.get("ctime") + ":"
                    + ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis() + "/" + a.get("size");
            assertThat(other.take(key)).isTrue();

            // held by the other instance: this gateway leaves it alone
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
            assertThat(files(outbox("30AB00"), "dossier-*SHARED-1.xml")).isEmpty();

            other.release(key);
            assertThat(awaitFiles(outbox("30AB00"), "dossier-*SHARED-1.xml", 1)).hasSize(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(file) && locks(ledger) == 0);
            assertThat(files(outbox("30AB00"), "dossier-*SHARED-1.xml")).hasSize(1);
        } finally {
            other.stop();
        }
    }

    private static long locks(Ledger ledger) throws Exception {
        try (Connection c = ledger.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM schakel_file_lock")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
