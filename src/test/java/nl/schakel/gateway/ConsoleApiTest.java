package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.TransferEvent;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console's JSON admin API over a real socket: every action, every refusal. */
class ConsoleApiTest extends GatewayTestSupport {

    @Override
    protected Properties extraProperties() {
        return properties("schakel.broker.max-delivery-attempts", "2", "schakel.broker.redelivery-delay-ms", "50",
                "schakel.console.login.max-failures", "3");
    }

    private ConsoleClient operator() throws Exception {
        ConsoleClient client = new ConsoleClient(consolePort());
        assertThat(client.login("operator", "demo-operator").status()).isEqualTo(200);
        return client;
    }

    private Ledger ledger() {
        return context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    @Test
    void without_a_login_every_api_path_answers_401_and_a_wrong_password_401_then_429() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(consolePort());
        for (String path : List.of("/console/api/session", "/console/api/overview", "/console/api/transfers", "/console/api/failed",
                "/console/api/flows", "/console/api/actions")) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
        }
        assertThat(anonymous.post("/console/api/institutions/30AA00/suspend").status()).isEqualTo(401);
        assertThat(anonymous.login("operator", "wrong").status()).isEqualTo(401);
        assertThat(anonymous.login("nobody", "demo-operator").status()).isEqualTo(401);
        assertThat(anonymous.login("operator", "wrong").status()).isEqualTo(401);
        assertThat(anonymous.login("operator", "wrong").status()).isEqualTo(401);
        // three failures of one account from one address: locked out, even with the right password
        ConsoleClient.Answer locked = anonymous.login("operator", "demo-operator");
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.json().get("error").asText()).contains("too many failed logins");
        // the coordinator, from the same address, is not locked out
        assertThat(new ConsoleClient(consolePort()).login("coordinator", "demo-coordinator").status()).isEqualTo(200);
    }

    @Test
    void a_coordinator_sees_the_regional_flows_and_gets_403_everywhere_else() throws Exception {
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        ConsoleClient coordinator = new ConsoleClient(consolePort());
        JsonNode session = coordinator.login("coordinator", "demo-coordinator").json();
        assertThat(session.get("role").asText()).isEqualTo("coordinator");

        ConsoleClient.Answer flows = coordinator.get("/console/api/flows");
        assertThat(flows.status()).isEqualTo(200);
        JsonNode figure = flows.json().get("figures").get(0);
        // one transfer: a small count, shown as "<5"
        assertThat(figure.get("count").asText()).isEqualTo("<5");
        assertThat(figure.get("fromRegion").asText()).isEqualTo("Nijmegen");
        ConsoleClient.Answer csv = coordinator.get("/console/api/flows.csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).startsWith("month,from_region,from_kind,to_region,to_kind,outcome,count").contains(",Nijmegen,ISK,Nijmegen,VO,ACCEPTED,<5");

        for (String path : List.of("/console/api/overview", "/console/api/transfers", "/console/api/failed", "/console/api/directory",
                "/console/api/actions")) {
            assertThat(coordinator.get(path).status()).as(path).isEqualTo(403);
        }
        assertThat(coordinator.post("/console/api/institutions/30AA00/suspend").status()).isEqualTo(403);
        assertThat(coordinator.post("/console/api/directory/reload").status()).isEqualTo(403);
        assertThat(paused("intake-file-30AA00")).isFalse();
    }

    @Test
    void an_action_without_the_csrf_token_is_refused_and_nothing_happens() throws Exception {
        ConsoleClient operator = operator();
        ConsoleClient.Answer forged = operator.postWithoutToken("/console/api/institutions/30AA00/suspend", "{}");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().get("error").asText()).contains("X-CSRF-Token");
        assertThat(paused("intake-file-30AA00")).isFalse();
        assertThat(operator.get("/console/api/actions").json().get("total").asLong()).isZero();
    }

    @Test
    void unknown_ids_answer_404() throws Exception {
        ConsoleClient operator = operator();
        assertThat(operator.get("/console/api/transfers/R-00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
        assertThat(operator.post("/console/api/dead-letters/DLQ.inbox.30AB00~123/retry").status()).isEqualTo(404);
        assertThat(operator.post("/console/api/dead-letters/DLQ.inbox.30AB00~123/discard", "{\"reason\":\"TEST_MESSAGE\"}").status())
                .isEqualTo(404);
        assertThat(operator.post("/console/api/quarantine/30AA00~20260101T000000-R-x.xml/retry").status()).isEqualTo(404);
        assertThat(operator.post("/console/api/quarantine/30AA00~20260101T000000-R-x.xml/discard", "{\"reason\":\"TEST_MESSAGE\"}").status())
                .isEqualTo(404);
        assertThat(operator.post("/console/api/routes/no-such-route/suspend").status()).isEqualTo(404);
        assertThat(operator.post("/console/api/institutions/99ZZ99/suspend").status()).isEqualTo(404);
        assertThat(operator.get("/console/api/no-such-thing").status()).isEqualTo(404);
        // a bad filter is a 400 with the reason, not a failure
        assertThat(operator.get("/console/api/transfers?sender=nonsense").status()).isEqualTo(400);
    }

    @Test
    void a_delivered_transfer_is_found_by_message_id_and_by_transfer_id_with_its_timeline() throws Exception {
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        ConsoleClient operator = operator();
        await().until(() -> operator.get("/console/api/transfers?id=ISK30AA-2026-0001").json().get("items").get(0).get("status").asText(),
                "PICKED_UP"::equals);
        JsonNode found = operator.get("/console/api/transfers?id=ISK30AA-2026-0001").json().get("items").get(0);
        String transferId = found.get("transferId").asText();
        assertThat(found.get("sender").asText()).isEqualTo("30AA00");
        assertThat(operator.get("/console/api/transfers?id=" + transferId).json().get("total").asLong()).isEqualTo(1);
        JsonNode listed = operator.get("/console/api/transfers?status=PICKED_UP&sender=30AA00&receiver=30AB00&documentType=transfer-dossier-v1")
                .json();
        assertThat(listed.get("total").asLong()).isEqualTo(1);
        assertThat(operator.get("/console/api/transfers?documentType=follow-up-v1").json().get("total").asLong()).isZero();
        JsonNode timeline = operator.get("/console/api/transfers/" + transferId).json().get("timeline");
        assertThat(StreamSupport.stream(timeline.spliterator(), false).map(e -> e.get("status").asText()))
                .containsSequence("RECEIVED", "ACCEPTED").contains("QUEUED", "PICKED_UP");
    }

    @Test
    void a_dead_letter_retried_by_the_operator_is_delivered_with_the_retry_in_its_timeline() throws Exception {
        deadLetterTheExampleDossier();

        ConsoleClient operator = operator();
        JsonNode letter = operator.get("/console/api/failed").json().get("deadLetters").get(0);
        assertThat(letter.get("queue").asText()).isEqualTo("DLQ.inbox.30AB00");
        assertThat(letter.get("originalQueue").asText()).isEqualTo("inbox.30AB00");
        assertThat(letter.get("messageId").asText()).isEqualTo("ISK30AA-2026-0001");
        // why: the last failed attempt's cause, by exception class
        assertThat(letter.get("reason").asText()).startsWith("attempt 2 by delivery-file-30AB00 failed: ").contains("Exception");
        String transferId = letter.get("transferId").asText();
        await().until(() -> ledger().find(transferId).orElseThrow().status() == Status.FAILED);
        assertThat(ledger().timeline(transferId)).extracting(TransferEvent::status)
                .containsSubsequence(Status.QUEUED, Status.ATTEMPT_FAILED, Status.ATTEMPT_FAILED, Status.FAILED);
        JsonNode overview = operator.get("/console/api/overview").json();
        assertThat(overview.get("deadLetters").asLong()).isEqualTo(1);
        assertThat(overview.get("health").get("status").asText()).isEqualTo("DOWN");

        // the receiver's outbox is repaired, and the operator retries
        repairOutbox30AB00();
        ConsoleClient.Answer retried = operator.post("/console/api/dead-letters/" + letter.get("id").asText() + "/retry");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);

        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        await().until(() -> ledger().find(transferId).orElseThrow().status() == Status.PICKED_UP);
        assertThat(broker().messageCount("DLQ.inbox.30AB00")).isZero();
        List<TransferEvent> timeline = ledger().timeline(transferId);
        assertThat(timeline).extracting(TransferEvent::status).containsSubsequence(Status.FAILED, Status.RETRIED, Status.PICKED_UP);
        assertThat(timeline).filteredOn(e -> e.status() == Status.RETRIED).singleElement().extracting(TransferEvent::actor).isEqualTo("operator");
        JsonNode action = operator.get("/console/api/actions").json().get("items").get(0);
        assertThat(action.get("operator").asText()).isEqualTo("operator");
        assertThat(action.get("action").asText()).isEqualTo("retry-dead-letter");
    }

    @Test
    void a_dead_letter_discarded_with_a_reason_is_gone_and_its_sender_gets_a_discarded_receipt() throws Exception {
        deadLetterTheExampleDossier();
        ConsoleClient operator = operator();
        JsonNode letter = operator.get("/console/api/failed").json().get("deadLetters").get(0);

        assertThat(operator.post("/console/api/dead-letters/" + letter.get("id").asText() + "/discard", "{}").status()).isEqualTo(400);
        assertThat(operator.post("/console/api/dead-letters/" + letter.get("id").asText() + "/discard", "{\"reason\":\"free text\"}").status())
                .isEqualTo(400);
        ConsoleClient.Answer discarded = operator.post("/console/api/dead-letters/" + letter.get("id").asText() + "/discard",
                "{\"reason\":\"RECEIVER_HAS_IT\"}");
        assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);

        assertThat(broker().messageCount("DLQ.inbox.30AB00")).isZero();
        String transferId = letter.get("transferId").asText();
        assertThat(ledger().find(transferId).orElseThrow().status()).isEqualTo(Status.DISCARDED);
        assertThat(ledger().timeline(transferId)).filteredOn(e -> e.status() == Status.DISCARDED).singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("operator")).satisfies(e -> assertThat(e.detail()).isEqualTo("RECEIVER_HAS_IT"));
        // accepted, failed, discarded: three receipts for the sender
        List<String> receipts = awaitFiles(outbox("30AA00"), "receipt-*.xml", 3).stream().map(GatewayTestSupport::read).toList();
        assertThat(receipts).anySatisfy(r -> assertThat(r).contains("<status>DISCARDED</status>", "GATEWAY-DISCARDED-RECEIVER-HAS-IT",
                "<refersTo>ISK30AA-2026-0001</refersTo>"));
        assertThat(operator.post("/console/api/dead-letters/" + letter.get("id").asText() + "/retry").status()).isEqualTo(404);
    }

    @Test
    void a_quarantined_file_can_be_discarded_or_retried_and_each_is_recorded() throws Exception {
        drop("30AA00", "first.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-ISK.xml")));
        drop("30AA00", "second.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-ISK.xml")).clone());
        awaitFiles(quarantine("30AA00"), "*.receipt.xml", 2);
        ConsoleClient operator = operator();
        JsonNode kept = operator.get("/console/api/failed").json().get("quarantine");
        assertThat(kept).hasSize(2);
        assertThat(kept.get(0).get("institution").asText()).isEqualTo("30AA00");
        assertThat(kept.get(0).get("status").asText()).isEqualTo("REJECTED");
        assertThat(kept.get(0).get("errorCodes").toString()).contains("RULE-AGE-ISK");

        String discardId = kept.get(0).get("id").asText();
        String discardReceipt = kept.get(0).get("receiptId").asText();
        ConsoleClient.Answer discarded = operator.post("/console/api/quarantine/" + discardId + "/discard", "{\"reason\":\"SENT_AGAIN\"}");
        assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
        assertThat(ledger().find(discardReceipt).orElseThrow().status()).isEqualTo(Status.DISCARDED);
        assertThat(files(quarantine("30AA00"), "*" + discardReceipt + "*")).isEmpty();

        // the other is retried: validated again, rejected again, and kept again under its new receipt
        String retryId = kept.get(1).get("id").asText();
        String oldReceipt = kept.get(1).get("receiptId").asText();
        ConsoleClient.Answer retried = operator.post("/console/api/quarantine/" + retryId + "/retry");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("outcome").asText()).isEqualTo("rejected");
        String newTransfer = retried.json().get("transferId").asText();
        assertThat(newTransfer).isNotEqualTo(oldReceipt);
        assertThat(files(quarantine("30AA00"), "*" + oldReceipt + "*")).isEmpty();
        assertThat(files(quarantine("30AA00"), "*" + newTransfer + "*.receipt.xml")).hasSize(1);
        assertThat(ledger().timeline(oldReceipt)).filteredOn(e -> e.status() == Status.RETRIED).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains(newTransfer)).satisfies(e -> assertThat(e.actor()).isEqualTo("operator"));
        assertThat(ledger().timeline(newTransfer)).extracting(TransferEvent::status).contains(Status.REJECTED, Status.RETRIED);

        List<String> receipts = awaitFiles(outbox("30AA00"), "receipt-*.xml", 4).stream().map(GatewayTestSupport::read).toList();
        assertThat(receipts).filteredOn(r -> r.contains("<status>DISCARDED</status>")).singleElement().asString()
                .contains("GATEWAY-DISCARDED-SENT-AGAIN");
        assertThat(operator.get("/console/api/actions").json().get("items")).extracting(a -> a.get("action").asText())
                .containsExactly("retry-quarantined", "discard-quarantined");
    }

    @Test
    void an_institution_whose_intake_is_suspended_keeps_its_files_waiting_until_it_is_resumed() throws Exception {
        ConsoleClient operator = operator();
        assertThat(operator.post("/console/api/institutions/30AA00/suspend").status()).isEqualTo(200);
        await().until(() -> paused("intake-file-30AA00"));
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        await().during(Duration.ofSeconds(2)).until(() -> Files.exists(inbox("30AA00").resolve("isk-to-vo.xml")));
        JsonNode institution = StreamSupport.stream(operator.get("/console/api/overview").json().get("institutions").spliterator(), false)
                .filter(i -> i.get("code").asText().equals("30AA00")).findFirst().orElseThrow();
        assertThat(institution.get("intakeSuspended").asBoolean()).isTrue();
        assertThat(institution.get("inboxFiles").asInt()).isEqualTo(1);
        // others go on
        drop("32AA00", "nt2-to-po.xml", Files.readAllBytes(EXAMPLES.resolve("nt2-to-po.xml")));
        awaitFiles(outbox("32AB00"), "dossier-*", 1);

        assertThat(operator.post("/console/api/institutions/30AA00/resume").status()).isEqualTo(200);
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        assertThat(operator.get("/console/api/actions").json().get("items")).extracting(a -> a.get("action").asText())
                .containsExactly("resume-intake", "suspend-intake");
    }

    @Test
    void a_queue_institution_whose_intake_is_suspended_has_its_sends_refused_with_the_reason_until_resumed() throws Exception {
        ConsoleClient operator = operator();
        assertThat(operator.post("/console/api/institutions/31AA00/suspend").status()).isEqualTo(200);
        try (School school = School.connect(brokerPort, "31AA00")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> school.send(school.bytes(QueueChannelTest.utrechtDossier("SUSP-Q-1"))))
                    .isInstanceOf(jakarta.jms.JMSException.class).hasMessageContaining("the operator suspended the intake of 31AA00");
            assertThat(broker().messagesAdded("gateway.inbound")).isZero();
            assertThat(operator.post("/console/api/institutions/31AA00/resume").status()).isEqualTo(200);
            school.send(school.bytes(QueueChannelTest.utrechtDossier("SUSP-Q-1")));
            jakarta.jms.Message receipt = school.receive(30_000);
            assertThat(receipt).isNotNull();
            assertThat(School.body(receipt)).contains("<status>ACCEPTED</status>");
        }
    }

    @Test
    void what_an_operator_suspended_is_suspended_again_after_a_restart() throws Exception {
        ConsoleClient operator = operator();
        assertThat(operator.post("/console/api/institutions/30AA00/suspend").status()).isEqualTo(200);
        assertThat(operator.post("/console/api/routes/delivery-file-32AB00/suspend").status()).isEqualTo(200);
        // a fresh start: nothing held in memory, the ledger remembers
        nl.schakel.RoutePauses pauses = nl.schakel.RoutePauses.of(context);
        pauses.set(context, "institution:30AA00", id -> id.equals("intake-file-30AA00"), null);
        pauses.set(context, "route:delivery-file-32AB00", id -> id.equals("delivery-file-32AB00"), null);
        await().until(() -> !paused("intake-file-30AA00") && !paused("delivery-file-32AB00"));
        nl.schakel.console.Suspensions restarted = new nl.schakel.console.Suspensions(context, ledger(),
                context.getRegistry().lookupByNameAndType("directory", nl.schakel.directory.Directory.class), null);
        restarted.restore();
        await().until(() -> paused("intake-file-30AA00") && paused("delivery-file-32AB00"));
        assertThat(restarted.isIntakeSuspended("30AA00")).isTrue();
        assertThat(restarted.isRouteSuspended("delivery-file-32AB00")).isTrue();
        assertThat(paused("intake-file-32AA00")).isFalse();
    }

    @Test
    void a_route_suspended_by_the_operator_stays_so_until_resumed_and_shows_in_the_overview() throws Exception {
        ConsoleClient operator = operator();
        assertThat(operator.post("/console/api/routes/delivery-file-30AB00/suspend").status()).isEqualTo(200);
        await().until(() -> paused("delivery-file-30AB00"));
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        await().until(() -> broker().messageCount("inbox.30AB00") == 1);
        // a receive already under way when the route was suspended hands its message back to the
        // broker, which counts it again a moment later: the overview is a snapshot, so wait for it
        await().until(() -> waitingFor(operator, "30AB00") == 1);
        JsonNode overview = operator.get("/console/api/overview").json();
        JsonNode route = StreamSupport.stream(overview.get("routes").spliterator(), false)
                .filter(r -> r.get("id").asText().equals("delivery-file-30AB00")).findFirst().orElseThrow();
        assertThat(route.get("suspendedByOperator").asBoolean()).isTrue();
        assertThat(route.get("state").asText()).isEqualTo("Suspended");
        JsonNode intake = StreamSupport.stream(overview.get("routes").spliterator(), false)
                .filter(r -> r.get("id").asText().equals("intake-file-30AA00")).findFirst().orElseThrow();
        assertThat(intake.get("exchangesTotal").asLong()).isEqualTo(1);
        JsonNode receiver = StreamSupport.stream(overview.get("institutions").spliterator(), false)
                .filter(i -> i.get("code").asText().equals("30AB00")).findFirst().orElseThrow();
        assertThat(receiver.get("waitingMessages").asLong()).isEqualTo(1);
        assertThat(receiver.get("oldestWaitingAt").isNull()).isFalse();
        assertThat(outbox("30AB00")).isEmptyDirectory();

        assertThat(operator.post("/console/api/routes/delivery-file-30AB00/resume").status()).isEqualTo(200);
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
    }

    @Test
    void the_page_and_its_assets_come_from_the_classpath_and_nothing_else_is_served() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(consolePort());
        ConsoleClient.Answer page = anonymous.get("/console/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("/console/assets/app.js");
        assertThat(anonymous.get("/console/assets/echarts.min.js").status()).isEqualTo(200);
        assertThat(anonymous.get("/console/assets/..%2F..%2Fapplication.properties").status()).isEqualTo(404);
        assertThat(anonymous.get("/console/assets/index.html").status()).isEqualTo(404);
        assertThat(anonymous.get("/pom.xml").status()).isEqualTo(404);
        assertThat(Path.of("pom.xml")).exists();
    }

    private static long waitingFor(ConsoleClient operator, String code) throws Exception {
        JsonNode overview = operator.get("/console/api/overview").json();
        return StreamSupport.stream(overview.get("institutions").spliterator(), false)
                .filter(i -> i.get("code").asText().equals(code)).findFirst().orElseThrow().get("waitingMessages").asLong();
    }
}
