package nl.schakel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.activemq.artemis.core.config.HAPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicationBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicationPrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.properties.PropertiesComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Nested;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kubernetes manifests in deploy/kubernetes/ against the gateway they deploy: every file is
 * Kubernetes YAML, the gateway runs twice against the broker pair and PostgreSQL, its probes hit
 * paths a real gateway serves (started here through Camel Main), no manifest holds a secret, every
 * setting it passes is one the gateway knows, the disruption budget and the Services select the
 * gateway's pods, and the broker pair's HA properties are accepted by Artemis 2.44's own parser.
 * What it cannot show: that a cluster accepts them (no API server, no operator here).
 */
class DeploymentManifestsTest {
    private static final Path MANIFESTS = Path.of("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String PLACEHOLDER = "REPLACE_ME";

    // ---- every file ----

    @Test
    void every_file_is_kubernetes_yaml_with_api_version_kind_and_name() throws IOException {
        List<Path> files = manifestFiles();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("artemis.yaml", "zookeeper.yaml", "gateway.yaml", "secrets.yaml", "network-policy.yaml");
        Set<String> seen = new LinkedHashSet<>();
        for (Path file : files) {
            List<JsonNode> docs = documents(file);
            assertThat(docs).as("%s has at least one document", file).isNotEmpty();
            for (JsonNode doc : docs) {
                assertThat(doc.path("apiVersion").asText()).as("apiVersion in %s", file).isNotBlank();
                assertThat(doc.path("kind").asText()).as("kind in %s", file).isNotBlank();
                assertThat(doc.path("metadata").path("name").asText()).as("metadata.name of a %s in %s", doc.path("kind"), file)
                        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
                assertThat(seen.add(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText()))
                        .as("%s %s defined once", doc.path("kind"), doc.path("metadata").path("name")).isTrue();
            }
        }
    }

    // ---- the gateway Deployment ----

    @Test
    void the_gateway_runs_twice_against_the_broker_pair_with_failover_and_a_postgresql_ledger() throws IOException {
        JsonNode deployment = one("Deployment", "schakel-gateway");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertThat(pod.path("enableServiceLinks").asBoolean(true))
                .as("no service-link variables (SCHAKEL_BROKER_PORT=tcp://... would become schakel.broker.port)").isFalse();
        Map<String, String> env = literalEnv(gatewayContainer());
        assertThat(env).containsEntry("SCHAKEL_BROKER_EMBEDDED", "false").containsEntry("SCHAKEL_DEMO", "false");
        assertThat(env.get("SCHAKEL_LEDGER_URL")).startsWith("jdbc:postgresql://");

        // the failover URL as the Artemis client reads it: both brokers, HA, reconnecting for ever,
        // and they are the pods of the ActiveMQArtemis resource (<name>-ss-<ordinal>.<name>-hdls-svc)
        JsonNode artemis = one("ActiveMQArtemis", "artemis");
        int size = artemis.path("spec").path("deploymentPlan").path("size").asInt();
        assertThat(size).isEqualTo(2);
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(env.get("SCHAKEL_BROKER_URL"))) {
            assertThat(factory.isHA()).isTrue();
            assertThat(factory.getServerLocator().getReconnectAttempts()).isEqualTo(-1);
            List<String> hosts = Stream.of(factory.getStaticConnectors()).map(c -> c.getParams().get("host") + ":" + c.getParams().get("port")).toList();
            assertThat(hosts).containsExactly("artemis-ss-0.artemis-hdls-svc:61616", "artemis-ss-1.artemis-hdls-svc:61616");
        }

        // inside the pod every listener binds all interfaces, or probes and Services cannot reach it
        List<String> args = strings(gatewayContainer().path("args"));
        assertThat(args).contains("-Dcamel.management.host=0.0.0.0", "-Dcamel.server.host=0.0.0.0");
        assertThat(env).containsEntry("SCHAKEL_CONSOLE_HOST", "0.0.0.0");

        // the file channel's folders on the shared ReadWriteMany volume, the spool on the pod's own disk
        JsonNode claim = one("PersistentVolumeClaim", "schakel-exchange");
        assertThat(strings(claim.path("spec").path("accessModes"))).containsExactly("ReadWriteMany");
        Map<String, String> mounts = new LinkedHashMap<>();
        gatewayContainer().path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        String dataDir = env.get("SCHAKEL_DATA_DIR");
        assertThat(mounts).containsEntry(dataDir + "/inbox", "exchange").containsEntry(dataDir + "/outbox", "exchange")
                .containsEntry(dataDir + "/quarantine", "exchange").doesNotContainKey(dataDir + "/spool");
        assertThat(volumes(pod).get("exchange").path("persistentVolumeClaim").path("claimName").asText()).isEqualTo("schakel-exchange");
        assertThat(gatewayContainer().path("resources").path("limits").path("memory").asText()).isNotBlank();
    }

    @Test
    void probes_are_http_gets_on_the_management_port() throws Exception {
        JsonNode container = gatewayContainer();
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("management", 9876).containsEntry("http-api", 8080).containsEntry("console", 8086);
        // the ports the gateway really uses: the defaults, not moved by the manifest
        Properties defaults = applicationProperties();
        assertThat(defaults.getProperty("camel.management.port").trim()).isEqualTo("9876");
        assertThat(defaults.getProperty("camel.server.port").trim()).isEqualTo("8080");
        assertThat(defaults.getProperty("schakel.console.port").trim()).isEqualTo("8086");
        assertThat(strings(container.path("args"))).noneMatch(a -> a.matches("-D(camel\\.management|camel\\.server|schakel\\.console)\\.port=.*"));
        assertThat(literalEnv(container)).doesNotContainKeys("CAMEL_MANAGEMENT_PORT", "CAMEL_SERVER_PORT", "SCHAKEL_CONSOLE_PORT");

        Map<String, String> probePaths = new LinkedHashMap<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.isMissingNode()).as("%s is an HTTP GET", probe).isFalse();
            JsonNode port = get.path("port");
            int number = port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
            assertThat(number).as("%s port", probe).isEqualTo(9876);
            probePaths.put(probe, get.path("path").asText());
        }
        assertThat(probePaths).containsEntry("livenessProbe", "/observe/health/live").containsEntry("readinessProbe", "/observe/health/ready");

    }

    /**
     * The probes' paths (read from the Deployment), GETted on a whole gateway started through Camel
     * Main: production routes and properties, free ports.
     */
    @Nested
    class GatewayAnswersTheProbes extends GatewayTestSupport {
        @Test
        void each_probe_path_is_answered_200_on_the_management_port_and_variables_override_application_properties() throws Exception {
            Set<String> paths = new LinkedHashSet<>();
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                paths.add(gatewayContainer().path(probe).path("httpGet").path("path").asText());
            }
            assertThat(paths).contains("/observe/health/live", "/observe/health/ready");
            for (String path : paths) {
                HttpResponse<String> answer = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> management(path), r -> r.statusCode() == 200);
                assertThat(answer.body()).as(path).contains("\"status\":\"UP\"");
            }
            assertThat(management("/observe/health/no-such-path").statusCode()).as("a wrong path is not answered 200").isNotEqualTo(200);

            // the Deployment's SCHAKEL_* variables reach the gateway: variables override application.properties,
            // looked up by the key in upper case with '_' for '.' and '-'
            PropertiesComponent properties = (PropertiesComponent) context.getPropertiesComponent();
            assertThat(properties.getEnvironmentVariableMode()).isEqualTo(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_OVERRIDE);
            assertThat(properties.resolveProperty("path")).contains(System.getenv("PATH"));
        }
    }

    // ---- secrets ----

    @Test
    void no_manifest_holds_a_literal_secret_and_every_secret_reference_exists() throws IOException {
        List<String> findings = new ArrayList<>();
        Map<String, Set<String>> secretKeys = new LinkedHashMap<>();
        for (Path file : manifestFiles()) {
            for (JsonNode doc : documents(file)) {
                findings.addAll(literalSecrets(file.getFileName() + " " + doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc));
                if ("Secret".equals(doc.path("kind").asText())) {
                    Set<String> keys = new LinkedHashSet<>();
                    doc.path("stringData").fieldNames().forEachRemaining(keys::add);
                    doc.path("data").fieldNames().forEachRemaining(keys::add);
                    secretKeys.put(doc.path("metadata").path("name").asText(), keys);
                }
            }
        }
        assertThat(findings).as("literal secrets").isEmpty();
        assertThat(secretKeys).isNotEmpty();

        // every secretKeyRef of the gateway names a Secret and key the templates define
        List<String> refs = new ArrayList<>();
        gatewayContainer().path("env").forEach(e -> {
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                refs.add(ref.path("name").asText() + "/" + ref.path("key").asText());
                assertThat(secretKeys.getOrDefault(ref.path("name").asText(), Set.of())).as("Secret %s", ref.path("name")).contains(ref.path("key").asText());
            }
        });
        assertThat(refs).contains("schakel-gateway-credentials/SCHAKEL_BROKER_PASSWORD", "schakel-gateway-credentials/SCHAKEL_LEDGER_PASSWORD");
        assertThat(volumes(one("Deployment", "schakel-gateway").path("spec").path("template").path("spec")).get("files")
                .path("secret").path("secretName").asText()).isIn(secretKeys.keySet());
    }

    @Test
    void the_secret_check_finds_a_planted_password() throws IOException {
        JsonNode planted = YAML.readTree("""
                apiVersion: v1
                kind: Secret
                metadata: {name: x}
                stringData: {AMQ_PASSWORD: hunter2}
                """);
        JsonNode env = YAML.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: y}
                spec:
                  template:
                    spec:
                      containers:
                        - env: [{name: SCHAKEL_LEDGER_PASSWORD, value: hunter2}]
                          args: ["-Dschakel.broker.password=hunter2"]
                brokerProperties: ["AMQPConnections.x.password=hunter2"]
                url: "jdbc:postgresql://db/schakel?user=u&password=hunter2"
                """);
        assertThat(literalSecrets("planted", planted)).hasSize(1);
        assertThat(literalSecrets("planted", env)).hasSize(4);
    }

    // ---- settings ----

    @Test
    void every_setting_the_deployment_passes_is_a_key_the_gateway_knows() throws IOException {
        Properties defaults = applicationProperties();
        Map<String, String> knownVariables = new LinkedHashMap<>();
        for (String key : defaults.stringPropertyNames()) {
            knownVariables.put(variable(key), key);
        }
        // variables read by the logging configuration itself (${env:SCHAKEL_...} in log4j2.xml)
        Matcher logging = Pattern.compile("\\$\\{env:(SCHAKEL_[A-Z0-9_]+)").matcher(Files.readString(Path.of("src/main/resources/log4j2.xml")));
        while (logging.find()) {
            knownVariables.put(logging.group(1), "log4j2.xml");
        }

        List<String> names = new ArrayList<>();
        gatewayContainer().path("env").forEach(e -> names.add(e.path("name").asText()));
        assertThat(names).as("variables the gateway reads").allMatch(n -> n.startsWith("SCHAKEL_")).hasSizeGreaterThan(10);
        assertThat(names).as("every SCHAKEL_* variable maps to a key of application.properties").allMatch(knownVariables::containsKey);
        assertThat(names).doesNotHaveDuplicates();

        for (String arg : strings(gatewayContainer().path("args"))) {
            if (arg.startsWith("-D")) {
                String key = arg.substring(2, arg.indexOf('='));
                assertThat(defaults.getProperty(key)).as("-D%s is a key of application.properties", key).isNotNull();
            }
        }

    }

    // ---- selectors ----

    @Test
    void the_disruption_budget_services_and_network_policy_select_the_gateway_pods_and_nothing_else() throws IOException {
        JsonNode deployment = one("Deployment", "schakel-gateway");
        Map<String, String> podLabels = labels(deployment.path("spec").path("template").path("metadata").path("labels"));
        assertThat(podLabels).containsAllEntriesOf(labels(deployment.path("spec").path("selector").path("matchLabels")));

        JsonNode budget = one("PodDisruptionBudget", "schakel-gateway");
        assertThat(budget.path("spec").path("minAvailable").asInt()).isEqualTo(1);
        Map<String, String> budgetSelector = labels(budget.path("spec").path("selector").path("matchLabels"));
        assertThat(budgetSelector).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(budgetSelector);
        assertThat(budget.path("spec").path("minAvailable").asInt()).isLessThan(deployment.path("spec").path("replicas").asInt());

        // no other workload's pods carry the budget's labels
        for (Path file : manifestFiles()) {
            for (JsonNode doc : documents(file)) {
                if ("StatefulSet".equals(doc.path("kind").asText())) {
                    Map<String, String> other = labels(doc.path("spec").path("template").path("metadata").path("labels"));
                    assertThat(other.entrySet().containsAll(budgetSelector.entrySet())).as("%s pods", doc.path("metadata").path("name")).isFalse();
                }
            }
        }

        Set<String> containerPorts = new LinkedHashSet<>();
        gatewayContainer().path("ports").forEach(p -> containerPorts.add(p.path("name").asText()));
        Map<Integer, String> servicePorts = new LinkedHashMap<>();
        for (String service : List.of("schakel-gateway-api", "schakel-gateway-console")) {
            JsonNode spec = one("Service", service).path("spec");
            assertThat(spec.path("type").asText("ClusterIP")).isEqualTo("ClusterIP");
            assertThat(podLabels).containsAllEntriesOf(labels(spec.path("selector")));
            spec.path("ports").forEach(p -> {
                assertThat(containerPorts).contains(p.path("targetPort").asText());
                servicePorts.put(p.path("port").asInt(), service);
            });
        }
        assertThat(servicePorts).containsOnlyKeys(8080, 8086);

        JsonNode policy = one("NetworkPolicy", "schakel-gateway-ingress");
        assertThat(podLabels).containsAllEntriesOf(labels(policy.path("spec").path("podSelector").path("matchLabels")));
        Set<Integer> allowed = new LinkedHashSet<>();
        policy.path("spec").path("ingress").forEach(rule -> {
            assertThat(rule.path("from").isEmpty()).as("every rule says from where").isFalse();
            rule.path("ports").forEach(p -> allowed.add(p.path("port").asInt()));
        });
        assertThat(allowed).containsExactlyInAnyOrder(8080, 8086, 9876);
    }

    // ---- the broker pair ----

    @Test
    void the_broker_properties_parse_with_artemis_and_make_ss0_the_primary_and_ss1_the_backup_with_the_zookeeper_lock() throws Exception {
        JsonNode artemis = one("ActiveMQArtemis", "artemis");
        assertThat(artemis.path("apiVersion").asText()).isEqualTo("broker.amq.io/v1beta1");
        JsonNode plan = artemis.path("spec").path("deploymentPlan");
        assertThat(plan.path("persistenceEnabled").asBoolean()).isTrue();
        assertThat(plan.path("requireLogin").asBoolean()).isTrue();
        assertThat(plan.path("journalType").asText()).isIn("nio", "aio");
        List<String> lines = strings(artemis.path("spec").path("brokerProperties"));

        JsonNode zookeeper = one("StatefulSet", "zookeeper");
        int members = zookeeper.path("spec").path("replicas").asInt();
        assertThat(members).isEqualTo(3);
        List<String> ensemble = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ensemble.add("zookeeper-" + i + "." + zookeeper.path("spec").path("serviceName").asText() + ":2181");
        }

        for (int ordinal = 0; ordinal < 2; ordinal++) {
            ConfigurationImpl configuration = new ConfigurationImpl();
            configuration.parsePrefixedProperties(propertiesFor(ordinal, lines), null);
            assertThat(configuration.getStatus()).as("broker-%s properties", ordinal).contains("\"errors\":[]");
            assertThat(configuration.isPersistIDCache()).isTrue();
            assertThat(configuration.getIDCacheSize()).isGreaterThanOrEqualTo(100_000);
            HAPolicyConfiguration ha = configuration.getHAPolicyConfiguration();
            var lock = ordinal == 0
                    ? ((ReplicationPrimaryPolicyConfiguration) ha).getDistributedManagerConfiguration()
                    : ((ReplicationBackupPolicyConfiguration) ha).getDistributedManagerConfiguration();
            assertThat(ha.getType()).isEqualTo(ordinal == 0 ? HAPolicyConfiguration.TYPE.REPLICATION_PRIMARY_LOCK_MANAGER
                    : HAPolicyConfiguration.TYPE.REPLICATION_BACKUP_LOCK_MANAGER);
            assertThat(lock.getClassName()).isEqualTo("org.apache.activemq.artemis.lockmanager.zookeeper.CuratorDistributedLockManager");
            assertThat(List.of(lock.getProperties().get("connect-string").split(","))).containsExactlyElementsOf(ensemble);
            assertThat(lock.getProperties()).containsEntry("namespace", "schakel").containsKey("session-ms");
        }
    }

    /** What the operator gives the pod with this ordinal: the plain lines, then its own with the prefix taken off. */
    private static Properties propertiesFor(int ordinal, List<String> lines) {
        Properties properties = new ConfigurationImpl.InsertionOrderedProperties();
        for (boolean own : List.of(false, true)) {
            for (String line : lines) {
                String key = line.substring(0, line.indexOf('='));
                String value = line.substring(line.indexOf('=') + 1);
                boolean prefixed = key.matches("broker-\\d+\\..*");
                if (!own && !prefixed) {
                    properties.put(key, value);
                } else if (own && key.startsWith("broker-" + ordinal + ".")) {
                    properties.put(key.substring(("broker-" + ordinal + ".").length()), value);
                }
            }
        }
        return properties;
    }

    // ---- helpers ----

    /** Findings for values that look like a secret written out: anything but the placeholder. */
    static List<String> literalSecrets(String where, JsonNode doc) {
        List<String> findings = new ArrayList<>();
        if ("Secret".equals(doc.path("kind").asText())) {
            for (String field : List.of("stringData", "data")) {
                doc.path(field).fields().forEachRemaining(e -> {
                    if (!PLACEHOLDER.equals(e.getValue().asText())) {
                        findings.add(where + ": " + field + "." + e.getKey() + " is not " + PLACEHOLDER);
                    }
                });
            }
        }
        walk(doc, "", (path, node) -> {
            if (node.isObject() && node.has("name") && node.has("value") && sensitive(node.path("name").asText())) {
                findings.add(where + ": " + path + " sets " + node.path("name").asText() + " literally (use secretKeyRef)");
            }
            if (node.isTextual()) {
                String text = node.asText();
                Matcher m = Pattern.compile("(?i)([\\w.-]*(password|passwd|secret|token)[\\w.-]*)\\s*[=:]\\s*([^\\s&;,]+)").matcher(text);
                while (m.find()) {
                    if (!m.group(3).startsWith(PLACEHOLDER) && !m.group(3).startsWith("$")) {
                        findings.add(where + ": " + path + " holds " + m.group(1) + "=...");
                    }
                }
                if (text.matches("(?s).*://[^/@\\s]+:[^/@\\s]+@.*")) {
                    findings.add(where + ": " + path + " holds credentials in a URL");
                }
            }
        });
        return findings;
    }

    private static boolean sensitive(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.endsWith("_FILE")) {
            return false; // a path to a mounted file, not the secret itself
        }
        return n.contains("PASSWORD") || n.contains("SECRET") || n.contains("TOKEN") || n.endsWith("_USER") || n.endsWith("_KEY");
    }

    private interface Visitor {
        void visit(String path, JsonNode node);
    }

    private static void walk(JsonNode node, String path, Visitor visitor) {
        visitor.visit(path, node);
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", visitor);
            }
        }
    }

    /** schakel.broker.url -> SCHAKEL_BROKER_URL, as Camel looks a key up in the environment. */
    private static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> s = Files.list(MANIFESTS)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path file) {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML: " + file, e);
        }
        return docs;
    }

    private static JsonNode one(String kind, String name) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        for (Path file : manifestFiles()) {
            for (JsonNode doc : documents(file)) {
                if (kind.equals(doc.path("kind").asText()) && name.equals(doc.path("metadata").path("name").asText())) {
                    found.add(doc);
                }
            }
        }
        assertThat(found).as("%s %s in %s", kind, name, MANIFESTS).hasSize(1);
        return found.get(0);
    }

    private static JsonNode gatewayContainer() throws IOException {
        JsonNode containers = one("Deployment", "schakel-gateway").path("spec").path("template").path("spec").path("containers");
        for (JsonNode c : containers) {
            if ("gateway".equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container 'gateway' in the Deployment schakel-gateway");
    }

    private static Map<String, String> literalEnv(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return env;
    }

    private static Map<String, JsonNode> volumes(JsonNode podSpec) {
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        podSpec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        return volumes;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
