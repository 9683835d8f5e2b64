package nl.schakel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CONSOLE: the operator console with 10,000 transfers in the ledger. Fills a gateway (default heap)
 * through its file channel, then times each admin API answer (30 requests each, after 5 unmeasured)
 * and, in headless Chromium, the console's screens from navigation until their table or chart is
 * drawn; also the size and time of a /observe/metrics scrape.
 */
final class ConsoleLoad {
    private static final int TRANSFERS = 10_000;
    /** Every 50th dossier goes to an MBO with an ISK-to-VO transition: rejected and quarantined, as some are in real life. */
    private static final int REJECT_EVERY = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsoleLoad() {
    }

    static List<Benchmark.Result> run() throws Exception {
        int consolePort = Benchmark.freePort();
        List<String> args = new ArrayList<>(Benchmark.GatewayProcess.extraArgs);
        args.add("-Dschakel.console.port=" + consolePort);
        Benchmark.GatewayProcess.extraArgs = args;
        List<Benchmark.Result> results = new ArrayList<>();
        try (Benchmark.GatewayProcess gateway = Benchmark.GatewayProcess.start(null, "gateway-console.log")) {
            String base = "http://127.0.0.1:" + consolePort;
            HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            // the console starts once the routes are there, a moment after readiness
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    send(http, HttpRequest.newBuilder(URI.create(base + "/console/api/login")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"operator\",\"password\":\"demo-operator\"}")));
                    break;
                } catch (java.io.IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            fill(gateway, http, base);

            String someId = JSON.readTree(send(http, get(base + "/console/api/transfers?size=1"))).get("items").get(0).get("transferId").asText();
            String[][] calls = {
                    {"console-api-overview", "/console/api/overview"},
                    {"console-api-transfers-first-page", "/console/api/transfers?size=50"},
                    {"console-api-transfers-filtered-page-100", "/console/api/transfers?status=PICKED_UP&receiver=30AB00&size=25&page=100"},
                    {"console-api-transfer-timeline", "/console/api/transfers/" + someId},
                    {"console-api-failed-work", "/console/api/failed"},
                    {"console-api-flows-12-months", "/console/api/flows"},
                    {"console-api-flows-csv", "/console/api/flows.csv"},
            };
            for (String[] call : calls) {
                results.add(time(call[0], http, base + call[1], ""));
            }
            String metricsUrl = "http://127.0.0.1:" + gateway.managementPort + "/observe/metrics";
            int metricsBytes = HttpClient.newHttpClient().send(get(metricsUrl).build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
            results.add(time("observe-metrics-scrape", HttpClient.newHttpClient(), metricsUrl, metricsBytes + " bytes a scrape"));
            results.addAll(browser(base));
        }
        return results;
    }

    /**
     * 10,000 dossiers of 8 KB from 30AA00 (2% of them rejected), written beside and renamed in, and
     * waits until the ledger has every one picked up or rejected.
     */
    private static void fill(Benchmark.GatewayProcess gateway, HttpClient http, String base) throws Exception {
        Payloads delivered = new Payloads("30AA00", "30AB00");
        Payloads rejected = new Payloads("30AA00", "30AC00");
        Path inbox = gateway.dataDir.resolve("inbox").resolve("30AA00");
        long t0 = System.nanoTime();
        for (int i = 0; i < TRANSFERS; i++) {
            String id = "CL" + i;
            Path part = inbox.resolve("." + id + ".part");
            Files.write(part, (i % REJECT_EVERY == 0 ? rejected : delivered).dossier(id, 8 * 1024));
            Files.move(part, inbox.resolve(id + ".xml"), StandardCopyOption.ATOMIC_MOVE);
            if (i % 500 == 0) {
                Thread.sleep(200);
            }
        }
        while (true) {
            long done = JSON.readTree(send(http, get(base + "/console/api/transfers?status=PICKED_UP&size=1"))).get("total").asLong()
                    + JSON.readTree(send(http, get(base + "/console/api/transfers?status=REJECTED&size=1"))).get("total").asLong();
            System.out.printf("%-32s %d of %d transfers picked up or rejected%n", "console: filling the ledger", done, TRANSFERS);
            if (done >= TRANSFERS) {
                break;
            }
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(20)) {
                throw new IllegalStateException("the ledger did not fill in 20 minutes: " + done);
            }
            Thread.sleep(5000);
        }
    }

    private static Benchmark.Result time(String name, HttpClient http, String url, String note) throws Exception {
        for (int i = 0; i < 5; i++) {
            send(http, get(url));
        }
        Stats stats = new Stats();
        stats.start();
        int bytes = 0;
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            bytes = send(http, get(url)).length();
            stats.record(t, System.nanoTime());
        }
        System.out.printf("%-32s p50 %.1f ms, p99 %.1f ms, %d bytes%n", name, stats.percentile(50), stats.percentile(99), bytes);
        return new Benchmark.Result(name, bytes, Double.NaN, Benchmark.round(stats.percentile(50)), Benchmark.round(stats.percentile(99)),
                Benchmark.round(stats.percentile(100)), 0, 0, null, null,
                "30 requests after 5, " + TRANSFERS + " transfers in the ledger" + (note.isEmpty() ? "" : ", " + note));
    }

    /** Each screen in headless Chromium, from navigation until its data is drawn; 10 loads each after 2. */
    private static List<Benchmark.Result> browser(String base) {
        List<Benchmark.Result> results = new ArrayList<>();
        if (!new File("/usr/bin/chromium").canExecute() || !new File("/usr/bin/chromedriver").canExecute()) {
            System.out.println("console: no /usr/bin/chromium or /usr/bin/chromedriver, no browser timings");
            return results;
        }
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            // polled every 5 ms: Selenium's default half second would be most of what is measured
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(5));
            driver.get(base + "/console/");
            wait.until(d -> d.findElement(By.id("login-user")).isDisplayed());
            driver.findElement(By.id("login-user")).sendKeys("operator");
            driver.findElement(By.id("login-password")).sendKeys("demo-operator");
            driver.findElement(By.id("login-submit")).click();
            wait.until(d -> d.findElement(By.id("current-user")).getText().contains("operator"));
            String[][] screens = {
                    {"console-page-overview", "#overview", "#overview-routes-table tr[data-id]"},
                    {"console-page-transfers", "#transfers", "#transfers-table tr[data-id]"},
                    {"console-page-failed-work", "#failed", "#quarantine-table tbody tr[data-id]"},
                    {"console-page-flows", "#flows", "#chart-months canvas"},
            };
            for (String[] screen : screens) {
                Stats stats = new Stats();
                for (int i = 0; i < 12; i++) {
                    if (i == 2) {
                        stats.start();
                    }
                    driver.get("about:blank");
                    long t = System.nanoTime();
                    driver.get(base + "/console/" + screen[1]);
                    wait.until(d -> !d.findElements(By.cssSelector(screen[2])).isEmpty());
                    stats.record(t, System.nanoTime());
                }
                System.out.printf("%-32s p50 %.0f ms, max %.0f ms%n", screen[0], stats.percentile(50), stats.percentile(100));
                results.add(new Benchmark.Result(screen[0], 0, Double.NaN, Benchmark.round(stats.percentile(50)),
                        Benchmark.round(stats.percentile(99)), Benchmark.round(stats.percentile(100)), 0, 0, null, null,
                        "headless Chromium, navigation until " + screen[2] + " is drawn, 10 loads after 2, " + TRANSFERS + " transfers"));
            }
        } finally {
            driver.quit();
        }
        return results;
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
    }

    private static String send(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.build().uri().getPath() + " answered " + response.statusCode());
        }
        return response.body();
    }
}
