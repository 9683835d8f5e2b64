package nl.schakel.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Who talks to which gateway, and with what token: the options send and status share. */
final class ClientOptions {
    /** The environment variable a token may come from when there is no --token-file. */
    static final String TOKEN_VARIABLE = "SCHAKEL_TOKEN";

    @Option(names = "--as", required = true, paramLabel = "CODE", description = "your institution's code, e.g. 30AA00")
    String institution;

    @Option(names = "--to", required = true, paramLabel = "URL", description = "the gateway, e.g. https://schakel.example.nl")
    URI gateway;

    @Option(names = "--token-file", paramLabel = "FILE", description = "a file whose first line is your API token (else $" + TOKEN_VARIABLE + ")")
    Path tokenFile;

    @Option(names = "--demo", description = "a demo gateway: the token is demo-<CODE> when there is no other")
    boolean demo;

    /** The token: from --token-file, or $SCHAKEL_TOKEN, or in demo mode demo-CODE; null when there is none. */
    String token(Schakel root) throws IOException {
        if (tokenFile != null) {
            List<String> lines = Files.readAllLines(tokenFile, StandardCharsets.UTF_8);
            return lines.isEmpty() || lines.get(0).isBlank() ? null : lines.get(0).trim();
        }
        String fromEnvironment = root.env(TOKEN_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        return demo ? "demo-" + institution : null;
    }

    /** {@code path} under the gateway's URL, whether or not that ends in a slash. */
    URI resolve(String path) {
        String base = gateway.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }
}
