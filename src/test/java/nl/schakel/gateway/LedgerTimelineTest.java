package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Retention;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import nl.schakel.ledger.TransferEvent;
import nl.schakel.ledger.TransferQuery;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gateway records every submission in the ledger (H2 by default), codes and ids only. */
class LedgerTimelineTest extends GatewayTestSupport {

    private Ledger ledger() {
        return context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    @Test
    void a_delivered_dossier_has_a_timeline_from_received_to_picked_up_and_a_repeat_is_marked_duplicate() throws Exception {
        byte[] dossier = Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml"));
        drop("30AA00", "isk-to-vo.xml", dossier);
        awaitFiles(outbox("30AB00"), "dossier-*.xml", 1);
        Transfer first = await().until(() -> ledger().findByMessageId("ISK30AA-2026-0001"),
                l -> l.size() == 1 && l.get(0).status() == Status.PICKED_UP).get(0);
        assertThat(first.sender()).isEqualTo("30AA00");
        assertThat(first.receiver()).isEqualTo("30AB00");
        assertThat(first.senderRegion()).isEqualTo("Nijmegen");
        assertThat(first.transitionKind()).isEqualTo("ISK_TO_VO");
        assertThat(first.sizeBytes()).isEqualTo(dossier.length);
        assertThat(ledger().timeline(first.transferId())).extracting(TransferEvent::status)
                .containsExactly(Status.RECEIVED, Status.ACCEPTED, Status.QUEUED, Status.PICKED_UP);
        // the receipt carries the transfer id: an operator finds it from either side
        assertThat(read(awaitFiles(outbox("30AA00"), "receipt-*.xml", 1).get(0))).contains("<receiptId>" + first.transferId() + "</receiptId>");

        drop("30AA00", "again.xml", dossier);
        awaitFiles(outbox("30AA00"), "receipt-*.xml", 2);
        List<Transfer> both = await().until(() -> ledger().findByMessageId("ISK30AA-2026-0001"), l -> l.size() == 2);
        Transfer repeat = both.stream().filter(t -> !t.transferId().equals(first.transferId())).findFirst().orElseThrow();
        assertThat(repeat.status()).isEqualTo(Status.DUPLICATE);
        assertThat(ledger().timeline(repeat.transferId())).last().satisfies(e -> assertThat(e.detail()).isEqualTo("original " + first.transferId()));
    }

    @Test
    void a_rejected_file_is_recorded_with_its_error_codes_and_the_ledger_holds_no_personal_data() throws Exception {
        Path broken = EXAMPLES.resolve("invalid/RULE-SENSITIVE-NEED-WITHOUT-BASIS.xml");
        drop("30AA00", "broken.xml", Files.readAllBytes(broken));
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        await().until(() -> ledger().list(TransferQuery.all().withSender("30AA00"), 0, 10).total() == 2);

        Transfer rejected = ledger().list(TransferQuery.all().withStatus(Status.REJECTED), 0, 10).items().get(0);
        assertThat(ledger().timeline(rejected.transferId())).last()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("RULE-SENSITIVE-NEED-WITHOUT-BASIS"));

        StringBuilder everything = new StringBuilder();
        for (Transfer t : ledger().list(TransferQuery.all(), 0, 100).items()) {
            everything.append(t).append('\n');
            ledger().timeline(t.transferId()).forEach(e -> everything.append(e).append('\n'));
        }
        Matcher personal = Pattern.compile("<(givenNames|familyName|birthDate|pgn|description)>([^<]+)</").matcher(Files.readString(broken));
        int checked = 0;
        while (personal.find()) {
            assertThat(everything.toString()).doesNotContain(personal.group(2));
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    @Test
    void retention_deletes_quarantined_files_after_the_period_and_keeps_recent_ones() throws Exception {
        drop("30AA00", "old.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-MBO.xml")));
        List<Path> old = await().until(() -> files(quarantine("30AA00"), "*"), l -> l.size() == 2);
        for (Path p : old) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofDays(31))));
        }
        drop("30AA00", "recent.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-ISK.xml")));
        await().until(() -> files(quarantine("30AA00"), "*").size() == 4);

        int[] deleted = context.getRegistry().lookupByNameAndType("retention", Retention.class).run();

        assertThat(deleted[0]).isEqualTo(2);
        assertThat(files(quarantine("30AA00"), "*")).hasSize(2).doesNotContainAnyElementsOf(old);
        assertThat(deleted[1]).as("ledger rows are kept for two years").isZero();
    }
}
