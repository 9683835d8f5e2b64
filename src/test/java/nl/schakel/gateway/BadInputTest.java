package nl.schakel.gateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad input gets a rejection receipt, is kept in quarantine, and reaches no one. */
class BadInputTest extends GatewayTestSupport {
    private static final Pattern SHA = Pattern.compile("<contentSha256>([0-9a-f]{64})</contentSha256>");

    @Test
    void every_bad_input_is_rejected_with_its_code_kept_for_the_operator_and_delivers_nothing() throws Exception {
        Map<String, String> expectedBySha = new HashMap<>();
        List<Path> invalid;
        try (Stream<Path> s = Files.list(EXAMPLES.resolve("invalid"))) {
            invalid = s.sorted().toList();
        }
        for (Path file : invalid) {
            byte[] bytes = Files.readAllBytes(file);
            expectedBySha.put(sha256(bytes), expectedCode(file));
            drop("30AA00", file.getFileName().toString(), bytes);
        }
        writeOversizedFile(inbox("30AA00").resolve("PARSE-TOO-LARGE.xml"));
        int total = invalid.size() + 1;

        List<Path> receipts = awaitFiles(outbox("30AA00"), "receipt-*.xml", total);
        assertThat(receipts).hasSize(total);
        int tooLarge = 0;
        for (Path receipt : receipts) {
            String text = read(receipt);
            assertThat(text).contains("<status>REJECTED</status>");
            Matcher sha = SHA.matcher(text);
            if (sha.find()) {
                String expected = expectedBySha.get(sha.group(1));
                assertThat(expected).as("receipt for an unknown input: " + text).isNotNull();
                assertThat(text).as("receipt " + receipt.getFileName()).contains("<code>" + expected + "</code>");
            } else {
                assertThat(text).contains("<code>PARSE-TOO-LARGE</code>");
                tooLarge++;
            }
        }
        assertThat(tooLarge).isEqualTo(1);
        assertThat(files(quarantine("30AA00"), "*.receipt.xml")).hasSize(total);
        assertThat(files(quarantine("30AA00"), "*")).hasSize(2 * total);
        assertThat(files(inbox("30AA00"), "*")).isEmpty();
        for (String receiver : List.of("30AB00", "30AC00", "31AA00", "31AB00", "32AA00", "32AB00", "33AA00", "34AB00")) {
            assertThat(broker().messagesAdded("inbox." + receiver)).as(receiver).isLessThanOrEqualTo(0);
            assertThat(files(outbox(receiver), "*")).as(receiver).isEmpty();
        }

        // and the gateway is still healthy and still delivers
        assertThat(health()).contains("\"status\":\"UP\"");
        drop("30AA00", "isk-to-vo.xml", Files.readAllBytes(EXAMPLES.resolve("isk-to-vo.xml")));
        assertThat(awaitFiles(outbox("30AB00"), "dossier-*.xml", 1)).hasSize(1);
    }

    static String expectedCode(Path file) {
        String name = file.getFileName().toString();
        name = name.substring(0, name.lastIndexOf('.'));
        int variant = name.indexOf("--");
        return variant < 0 ? name : name.substring(0, variant);
    }

    /** 21 MB: over the default 20 MB limit. */
    private static void writeOversizedFile(Path target) throws IOException {
        Path temp = target.resolveSibling(".oversized.part");
        try (OutputStream out = Files.newOutputStream(temp)) {
            out.write("<?xml version=\"1.0\"?><transferDossier xmlns=\"urn:schakel:transfer-dossier:1\"><!-- ".getBytes());
            byte[] filler = new byte[1024 * 1024];
            java.util.Arrays.fill(filler, (byte) 'x');
            for (int i = 0; i < 21; i++) {
                out.write(filler);
            }
            out.write(" --></transferDossier>".getBytes());
        }
        Files.move(temp, target);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
