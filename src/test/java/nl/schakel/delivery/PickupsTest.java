package nl.schakel.delivery;

import nl.schakel.directory.Directory;
import nl.schakel.ledger.H2Ledgers;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.ledger.TransferEvent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pick-up notice (the standalone broker's PickupNoticePlugin) makes a queue institution's dossier
 * PICKED_UP; a notice from an inbox the gateway reads itself (a file or HTTP institution's) changes
 * nothing, since that delivery is recorded where the gateway writes it.
 */
class PickupsTest {
    @TempDir
    Path folder;

    @Test
    void only_a_queue_institutions_take_makes_its_dossier_picked_up() throws Exception {
        Ledger ledger = new Ledger(H2Ledgers.dataSource(folder), Clock.systemUTC());
        assertThat(ledger.check()).isTrue();
        Directory directory;
        try (InputStream in = getClass().getResourceAsStream("/demo-directory.yaml")) {
            directory = Directory.read(in, "demo-directory.yaml");
        }
        ledger.recordIntake(transfer("R-Q", "31AA00", "M-Q", "31AB00"), List.of());
        ledger.recordIntake(transfer("R-F", "30AA00", "M-F", "30AB00"), List.of());
        Pickups pickups = new Pickups(new DefaultCamelContext(), () -> ledger, Pickups.queueInboxes(directory));
        assertThat(Pickups.queueInboxes(directory)).contains("inbox.31AB00").doesNotContain("inbox.30AB00");

        pickups.record("inbox.31AB00", "R-Q", "dossier");
        pickups.record("inbox.30AB00", "R-F", "dossier");

        assertThat(ledger.timeline("R-Q")).extracting(TransferEvent::status).contains(Status.PICKED_UP);
        assertThat(ledger.timeline("R-F")).extracting(TransferEvent::status).doesNotContain(Status.PICKED_UP);
    }

    private static Transfer transfer(String id, String sender, String messageId, String receiver) {
        return new Transfer(id, messageId, sender, receiver, "ISK", "VO", "Nijmegen", "Nijmegen", "transfer-dossier-v1",
                "ISK_TO_VO", "queue", sender, 8000L, Status.QUEUED, null, null);
    }
}
