package nl.schakel.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A non-Java school system: Python with Qpid Proton over AMQP 1.0 sends, receives and
 * acknowledges a transfer through the gateway's broker. Skips, saying why, where the client is
 * missing; .ci/run installs it and fails when this test skipped.
 */
class AmqpClientTest extends GatewayTestSupport {
    static final String PYTHON = System.getProperty("schakel.python", "/usr/bin/python3");

    @Test
    void a_python_amqp_client_sends_a_dossier_receives_it_as_the_receiver_and_gets_the_acknowledgement_back(@TempDir Path dir) throws Exception {
        assumeTrue(protonAvailable(), "AMQP client missing: install the Debian package python3-qpid-proton (for " + PYTHON + ")");
        Path dossier = dir.resolve("dossier.xml");
        Files.writeString(dossier, QueueChannelTest.utrechtDossier("UT-AMQP-1"), StandardCharsets.UTF_8);
        Path ack = dir.resolve("ack.xml");
        Files.writeString(ack, QueueChannelTest.answer("acknowledgement-accepted.xml", "UT-AMQP-1"), StandardCharsets.UTF_8);

        Process client = new ProcessBuilder(PYTHON, "src/test/python/school_system.py", "127.0.0.1", String.valueOf(brokerPort),
                dossier.toString(), ack.toString(), "UT-AMQP-1").redirectErrorStream(true).start();
        assertThat(client.waitFor(120, TimeUnit.SECONDS)).as("client finished").isTrue();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.exitValue()).as(output).isZero();
        assertThat(output).contains("OK ISK got an ACCEPTED receipt", "OK VO school read the dossier as JSON",
                "OK ISK got the acknowledgement of UT-AMQP-1", "DONE");
    }

    static boolean protonAvailable() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        Process check = new ProcessBuilder(PYTHON, "-c", "import proton").redirectErrorStream(true).start();
        return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
    }
}
