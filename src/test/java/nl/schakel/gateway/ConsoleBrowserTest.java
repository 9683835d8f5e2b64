package nl.schakel.gateway;

import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.ledger.Transfer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console page as an operator and a coordinator use it: headless Chromium (Debian's
 * chromium and chromium-driver, never a download) against the real gateway. One browser for the
 * class; the gateway, and so the console's port, is new for every test. The tests also make the
 * screenshots of docs/operations/ (renewed with -Dschakel.screenshots=docs/operations).
 */
class ConsoleBrowserTest extends GatewayTestSupport {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * Where the screenshots go: target/screenshots, so a test run leaves the checkout clean;
     * {@code -Dschakel.screenshots=docs/operations} renews the README's and docs' pictures.
     */
    private static final Path SCREENSHOTS = Path.of(System.getProperty("schakel.screenshots", "target/screenshots"));
    private static final String MESSAGE_ID = "ISK30AA-2026-0001";

    private static ChromeDriverService service;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (Debian package chromium)");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no " + CHROMEDRIVER + " (Debian package chromium-driver)");
        // the driver and the browser are named, so Selenium Manager has nothing to look up or download
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
        if (service != null) {
            service.stop();
            service = null;
        }
    }

    @Override
    protected Properties extraProperties() {
        return properties("schakel.broker.max-delivery-attempts", "2", "schakel.broker.redelivery-delay-ms", "50");
    }

    // ---------------------------------------------------------------- the scenarios

    @Test
    void an_operator_finds_a_delivered_transfer_by_its_message_id_and_sees_its_timeline() throws Exception {
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        awaitStatus(MESSAGE_ID, Status.PICKED_UP);

        logIn("operator", "demo-operator");
        // an operator starts on the overview
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-overview")));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("overview-updated"), "updated"));
        waitFor().until(d -> !rows("overview-routes-table").isEmpty());
        assertThat(text(By.id("health-status"))).isEqualTo("UP");
        assertThat(text(By.id("count-dead-letters"))).isEqualTo("0");
        // a route that has not run yet has no mean time (JMX says -1)
        By idleRoute = By.cssSelector("#overview-routes-table tbody tr[data-id='delivery-file-30AC00']");
        assertThat(cell(idleRoute, "Total")).isEqualTo("0");
        assertThat(cell(idleRoute, "Mean")).isEqualTo("–");
        assertThat(text(By.id("overview-routes-table"))).doesNotContain("-1 ms");
        screenshot("console-overview.png");

        show("transfers");
        WebElement find = browser.findElement(By.id("find-id"));
        find.clear();
        find.sendKeys(MESSAGE_ID);
        browser.findElement(By.id("find-submit")).click();
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), MESSAGE_ID));
        List<WebElement> found = rows("transfers-table");
        assertThat(found).hasSize(1);
        String transferId = found.get(0).getDomAttribute("data-id");
        assertThat(found.get(0).getText()).contains("30AA00", "30AB00", "PICKED_UP");

        found.get(0).findElement(By.cssSelector("button.open")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-transfer")));
        waitFor().until(d -> !rows("timeline-table").isEmpty());
        assertThat(browser.getCurrentUrl()).endsWith("#transfer/" + transferId);
        assertThat(text(By.id("transfer-details"))).contains(transferId, MESSAGE_ID, "30AA00", "30AB00");
        assertThat(timelineStatuses()).containsSubsequence("RECEIVED", "ACCEPTED").contains("QUEUED", "PICKED_UP");
    }

    @Test
    void an_operator_retries_a_dead_letter_on_the_failed_work_tab_and_it_is_delivered_with_the_retry_in_its_timeline() throws Exception {
        deadLetterTheExampleDossier();
        awaitStatus(MESSAGE_ID, Status.FAILED);

        logIn("operator", "demo-operator");
        waitFor().until(ExpectedConditions.textToBe(By.id("count-dead-letters"), "1"));
        show("failed");
        waitFor().until(d -> rows("dead-letters-table").size() == 1);
        WebElement letter = rows("dead-letters-table").get(0);
        assertThat(letter.getDomAttribute("data-id")).startsWith("DLQ.inbox.30AB00~");
        assertThat(letter.getText()).contains("inbox.30AB00", MESSAGE_ID, "30AA00", "30AB00");
        String transferId = letter.findElement(By.cssSelector("a[href^='#transfer/']")).getText();
        By letterRow = By.cssSelector("#dead-letters-table tbody tr[data-id='" + letter.getDomAttribute("data-id") + "']");
        assertThat(cell(letterRow, "Sender")).isEqualTo("30AA00");
        assertThat(cell(letterRow, "Receiver")).isEqualTo("30AB00");
        screenshot("console-failed-work.png");

        // the receiver's outbox is repaired, and the operator retries
        repairOutbox30AB00();
        letter.findElement(By.cssSelector("button.retry")).click();
        waitForFlash("ok", "Put back on inbox.30AB00");
        waitFor().until(d -> rows("dead-letters-table").isEmpty());
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        awaitStatus(MESSAGE_ID, Status.PICKED_UP);

        browser.navigate().to(base() + "#transfer/" + transferId);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-transfer")));
        waitFor().until(d -> timelineStatuses().contains("PICKED_UP"));
        assertThat(timelineStatuses()).containsSubsequence("FAILED", "RETRIED", "PICKED_UP");
        List<WebElement> retried = rows("timeline-table").stream()
                .filter(r -> r.findElements(By.tagName("td")).get(0).getText().equals("RETRIED")).toList();
        assertThat(retried).singleElement().satisfies(r -> assertThat(r.findElements(By.tagName("td")).get(2).getText()).isEqualTo("operator"));
        screenshot("console-transfer.png");
    }

    @Test
    void an_operator_discards_a_quarantined_file_with_a_reason_from_the_dialog() throws Exception {
        drop("30AA00", "rule-age.xml", Files.readAllBytes(EXAMPLES.resolve("invalid/RULE-AGE-ISK.xml")));
        awaitFiles(quarantine("30AA00"), "*.receipt.xml", 1);

        logIn("operator", "demo-operator");
        show("failed");
        waitFor().until(d -> rows("quarantine-table").size() == 1);
        WebElement kept = rows("quarantine-table").get(0);
        String keptId = kept.getDomAttribute("data-id");
        String receiptId = kept.findElements(By.tagName("td")).get(2).getText();
        assertThat(keptId).startsWith("30AA00~");
        assertThat(kept.getText()).contains("REJECTED", "RULE-AGE-ISK");
        assertThat(files(quarantine("30AA00"), "*" + receiptId + "*")).isNotEmpty();

        kept.findElement(By.cssSelector("button.discard")).click();
        WebElement dialog = browser.findElement(By.id("discard-dialog"));
        waitFor().until(d -> dialog.getDomAttribute("open") != null);
        assertThat(text(By.id("discard-target"))).isEqualTo(keptId);
        Select reason = new Select(dialog.findElement(By.id("discard-reason")));
        assertThat(reason.getFirstSelectedOption().getDomAttribute("value")).isEmpty();
        // no reason chosen: the browser's own check of the required <select> keeps the dialog open
        dialog.findElement(By.id("discard-confirm")).click();
        assertThat(dialog.findElement(By.id("discard-reason")).getDomProperty("validationMessage")).isNotBlank();
        assertThat(dialog.getDomAttribute("open")).isNotNull();
        assertThat(rows("quarantine-table")).hasSize(1);
        reason.selectByValue("SENT_AGAIN");
        dialog.findElement(By.id("discard-confirm")).click();

        waitFor().until(d -> dialog.getDomAttribute("open") == null);
        waitForFlash("ok", "Discarded");
        waitFor().until(d -> rows("quarantine-table").isEmpty());
        assertThat(browser.findElements(By.cssSelector("#quarantine-table tbody tr.empty"))).hasSize(1);
        assertThat(files(quarantine("30AA00"), "*" + receiptId + "*")).isEmpty();
        assertThat(ledger().find(receiptId).orElseThrow().status()).isEqualTo(Status.DISCARDED);
    }

    @Test
    void an_institution_whose_intake_is_suspended_on_the_routes_tab_keeps_its_files_waiting_until_resumed() throws Exception {
        logIn("operator", "demo-operator");
        show("routes");
        By institution = By.cssSelector("#institutions-table tbody tr[data-id='30AA00']");
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(institution));
        browser.findElement(institution).findElement(By.cssSelector("button.suspend")).click();
        waitForFlash("ok", "30AA00");
        waitFor().until(d -> !d.findElement(institution).findElements(By.cssSelector("button.resume")).isEmpty());
        await().until(() -> paused("intake-file-30AA00"));

        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> Files.exists(inbox("30AA00").resolve("isk-to-vo.xml")));
        assertThat(files(outbox("30AB00"), "dossier-*")).isEmpty();

        // the overview shows the intake suspended and the file waiting in its inbox
        show("overview");
        By overviewRow = By.cssSelector("#overview-institutions-table tbody tr[data-id='30AA00']");
        waitFor().until(d -> d.findElements(overviewRow).stream().anyMatch(r -> r.getText().contains("suspended")));
        assertThat(cell(overviewRow, "Inbox files")).isEqualTo("1");
        assertThat(cell(overviewRow, "Intake")).isEqualTo("suspended");

        show("routes");
        waitFor().until(d -> "1".equals(cell(institution, "Inbox files")));
        assertThat(cell(institution, "Intake")).isEqualTo("suspended");
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, arguments[0].getBoundingClientRect().top + window.scrollY - 120)",
                browser.findElement(By.id("institutions-table")));
        screenshot("console-routes.png");

        browser.findElement(institution).findElement(By.cssSelector("button.resume")).click();
        waitForFlash("ok", "30AA00");
        waitFor().until(d -> !d.findElement(institution).findElements(By.cssSelector("button.suspend")).isEmpty());
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        assertThat(paused("intake-file-30AA00")).isFalse();
    }

    @Test
    void the_flow_charts_show_a_delivered_transfer_with_a_table_row_and_a_csv_link() throws Exception {
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        awaitFiles(outbox("30AB00"), "dossier-*", 1);
        awaitStatus(MESSAGE_ID, Status.PICKED_UP);

        logIn("operator", "demo-operator");
        browser.findElement(By.id("nav-flows")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-flows")));
        waitFor().until(d -> !rows("flows-table").isEmpty());
        for (String chart : List.of("chart-months", "chart-regions", "chart-kinds")) {
            waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#" + chart + " canvas")));
        }
        WebElement row = rows("flows-table").get(0);
        assertThat(row.getText()).contains(YearMonth.now().toString(), "Nijmegen", "ISK", "VO", "ACCEPTED", "<5");
        assertThat(text(By.id("flows-suppressed"))).contains("1 cell has fewer than 5");

        String from = YearMonth.now().minusMonths(11).toString();
        String to = YearMonth.now().toString();
        assertThat(browser.findElement(By.id("flows-from")).getDomProperty("value")).isEqualTo(from);
        assertThat(browser.findElement(By.id("flows-to")).getDomProperty("value")).isEqualTo(to);
        String href = browser.findElement(By.id("flows-csv")).getDomAttribute("href");
        assertThat(href).isEqualTo("/console/api/flows.csv?from=" + from + "&to=" + to);
        Map<String, Object> csv = fetch("GET", href, false);
        assertThat(csv.get("status")).isEqualTo(200L);
        assertThat((String) csv.get("body")).startsWith("month,from_region,from_kind,to_region,to_kind,outcome,count")
                .contains(",Nijmegen,ISK,Nijmegen,VO,ACCEPTED,<5");

        // five more make the cell large enough to show: the charts get their bars
        String dossier = Files.readString(EXAMPLES.resolve("isk-to-vo.xml"));
        for (int i = 2; i <= 6; i++) {
            drop("30AA00", "isk-to-vo-" + i + ".xml", dossier.replace(MESSAGE_ID, "ISK30AA-2026-000" + i).getBytes(StandardCharsets.UTF_8));
        }
        awaitFiles(outbox("30AB00"), "dossier-*", 6);
        awaitStatus("ISK30AA-2026-0006", Status.PICKED_UP);
        browser.findElement(By.id("flows-submit")).click();
        waitFor().until(d -> rows("flows-table").stream().anyMatch(r -> r.getText().endsWith(" 6")));
        assertThat(text(By.id("flows-suppressed"))).isEqualTo("No cells were suppressed.");
        for (String chart : List.of("chart-months", "chart-regions", "chart-kinds")) {
            Object bars = ((JavascriptExecutor) browser).executeScript(
                    "const c = echarts.getInstanceByDom(document.getElementById(arguments[0]));"
                            + "return c.getOption().series.reduce((n, s) => n + s.data.reduce((a, b) => a + b, 0), 0);", chart);
            assertThat(bars).as(chart).isEqualTo(6L);
        }
        screenshot("console-flows.png");
    }

    @Test
    void a_coordinator_sees_only_the_flows_and_the_operator_pages_answer_403() throws Exception {
        logIn("coordinator", "demo-coordinator");
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-flows")));
        assertThat(text(By.id("current-user"))).isEqualTo("coordinator");
        assertThat(browser.findElement(By.id("nav-flows")).isDisplayed()).isTrue();
        for (String view : List.of("overview", "transfers", "failed", "routes", "actions")) {
            assertThat(browser.findElement(By.id("nav-" + view)).isDisplayed()).as(view).isFalse();
        }

        browser.navigate().to(base() + "#overview");
        waitFor().until(ExpectedConditions.urlToBe(base() + "#flows"));
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-flows")));
        assertThat(browser.findElement(By.id("view-overview")).isDisplayed()).isFalse();
        waitFor().until(d -> !rows("flows-table").isEmpty() || !d.findElements(By.cssSelector("#flows-table tbody tr.empty")).isEmpty());

        Map<String, Object> overview = fetch("GET", "/console/api/overview", false);
        assertThat(overview.get("status")).isEqualTo(403L);
        assertThat(fetch("POST", "/console/api/institutions/30AA00/suspend", true).get("status")).isEqualTo(403L);
        assertThat(paused("intake-file-30AA00")).isFalse();
    }

    @Test
    void an_action_posted_from_the_page_without_the_csrf_token_is_refused_and_the_intake_stays_open() throws Exception {
        logIn("operator", "demo-operator");
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-overview")));
        Map<String, Object> forged = fetch("POST", "/console/api/institutions/30AA00/suspend", false);
        assertThat(forged.get("status")).isEqualTo(403L);
        assertThat((String) forged.get("body")).contains("X-CSRF-Token");
        assertThat(paused("intake-file-30AA00")).isFalse();
        // the same page with its token may: the refusal was the token's doing
        assertThat(fetch("POST", "/console/api/institutions/30AA00/suspend", true).get("status")).isEqualTo(200L);
        await().until(() -> paused("intake-file-30AA00"));
    }

    // ---------------------------------------------------------------- helpers

    private String base() {
        return "http://127.0.0.1:" + consolePort() + "/console/";
    }

    private Ledger ledger() {
        return context.getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    private void awaitStatus(String messageId, Status status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger().findByMessageId(messageId).stream().map(Transfer::status).toList(),
                s -> s.contains(status));
    }

    private static WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
    }

    /** Opens the console of this test's gateway, with no session left from an earlier gateway, and logs in. */
    private void logIn(String user, String password) {
        browser.get(base());
        browser.manage().deleteAllCookies();
        browser.get(base());
        WebElement name = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user")));
        name.clear();
        name.sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(password);
        browser.findElement(By.id("login-submit")).click();
        waitFor().until(ExpectedConditions.textToBe(By.id("current-user"), user));
        assertThat(browser.findElement(By.id("view-login")).isDisplayed()).isFalse();
    }

    /** Clicks a tab and waits until its view is on screen and loaded. */
    private void show(String view) {
        browser.findElement(By.id("nav-" + view)).click();
        WebElement section = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("view-" + view)));
        waitFor().until(d -> section.getDomAttribute("aria-busy") == null
                && (!rows(section).isEmpty() || !section.findElements(By.cssSelector("tbody tr.empty")).isEmpty()));
    }

    /** A table's data rows (not its "empty" row). */
    private static List<WebElement> rows(String tableId) {
        return browser.findElements(By.cssSelector("#" + tableId + " tbody tr[data-id]"));
    }

    private static List<WebElement> rows(WebElement section) {
        return section.findElements(By.cssSelector("tbody tr[data-id]"));
    }

    /** The text of a row's cell under the column headed so. */
    private static String cell(By row, String header) {
        WebElement tr = browser.findElement(row);
        WebElement table = tr.findElement(By.xpath("ancestor::table"));
        List<String> headers = table.findElements(By.cssSelector("thead th")).stream().map(h -> h.getText().trim()).toList();
        int column = headers.indexOf(header);
        assertThat(column).as("column %s in %s", header, headers).isNotNegative();
        return tr.findElements(By.tagName("td")).get(column).getText().trim();
    }

    private static List<String> timelineStatuses() {
        return rows("timeline-table").stream().map(r -> r.findElements(By.tagName("td")).get(0).getText()).toList();
    }

    private static String text(By by) {
        return browser.findElement(by).getText();
    }

    private static void waitForFlash(String kind, String text) {
        waitFor().until(d -> {
            WebElement flash = d.findElement(By.id("flash"));
            return flash.isDisplayed() && ("flash " + kind).equals(flash.getDomAttribute("class")) && flash.getText().contains(text);
        });
    }

    /** A fetch from the page, as the page's own script (or a forged one) would make it: {status, body}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fetch(String method, String path, boolean withToken) {
        Object answer = ((JavascriptExecutor) browser).executeAsyncScript("""
                const [method, path, withToken, done] = arguments;
                const send = async () => {
                  const headers = { Accept: 'application/json' };
                  const options = { method, credentials: 'same-origin', headers };
                  if (method !== 'GET') {
                    headers['Content-Type'] = 'application/json';
                    options.body = '{}';
                    if (withToken) {
                      const session = await (await fetch('/console/api/session', { credentials: 'same-origin' })).json();
                      headers['X-CSRF-Token'] = session.csrfToken;
                    }
                  }
                  const response = await fetch(path, options);
                  return { status: response.status, body: await response.text() };
                };
                send().then(done, (e) => done({ status: -1, body: String(e) }));
                """, method, path, withToken);
        return (Map<String, Object>) answer;
    }

    private static void screenshot(String name) throws IOException {
        Files.write(Files.createDirectories(SCREENSHOTS).resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
