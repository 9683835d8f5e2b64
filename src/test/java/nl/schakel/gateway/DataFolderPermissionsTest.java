package nl.schakel.gateway;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Nothing of the data folder is readable by other users; the exchange folders may be shared with a group. */
class DataFolderPermissionsTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        // a gateway that shares the exchange folders with the transfer agent's group
        return properties("schakel.permissions.exchange-folders", "rwxr-x---", "schakel.permissions.exchange-files", "rw-r-----");
    }

    @Test
    void private_folders_are_the_gateways_alone_and_exchange_folders_and_delivered_files_get_the_configured_modes() throws Exception {
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        drop("30AA00", "broken.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml")));
        Path delivered = awaitFiles(outbox("30AB00"), "dossier-*.xml", 1).get(0);
        awaitFiles(outbox("30AA00"), "receipt-*.xml", 2);

        for (String own : new String[] {"quarantine", "spool", "ledger", "broker", "quarantine/30AA00"}) {
            assertThat(mode(dataDir.resolve(own))).as(own).isEqualTo("rwx------");
        }
        for (Path kept : files(quarantine("30AA00"), "*")) {
            assertThat(mode(kept)).as("quarantined file").isEqualTo("rw-------");
        }
        for (Path shared : new Path[] {dataDir, dataDir.resolve("inbox"), inbox("30AA00"), dataDir.resolve("outbox"), outbox("30AB00")}) {
            assertThat(mode(shared)).as(shared.toString()).isEqualTo("rwxr-x---");
        }
        assertThat(mode(delivered)).isEqualTo("rw-r-----");
        for (Path receipt : files(outbox("30AA00"), "receipt-*.xml")) {
            assertThat(mode(receipt)).isEqualTo("rw-r-----");
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
