package nl.schakel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code schakel send FILE --as CODE --to URL}: one dossier (or answer) to the gateway's HTTP API. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sends one file to the gateway's HTTP API.",
                "POST {URL}/api/v1/transfers, as application/xml or application/json by its extension.",
                "Prints the transfer id and its Location, or the gateway's coded errors.",
                "Exit 0: accepted; 1: refused; 2: usage error; 3: the gateway cannot be reached."})
final class SendCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the dossier, *.xml or *.json")
    Path file;

    @Mixin
    ClientOptions client;

    @ParentCommand
    Schakel root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String contentType = name.endsWith(".xml") ? "application/xml" : name.endsWith(".json") ? "application/json" : null;
        if (contentType == null) {
            throw new ParameterException(spec.commandLine(), "send takes a *.xml or *.json file, not " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file);
        }
        GatewayClient gateway = new GatewayClient(client, spec, root);
        HttpResponse<String> response = gateway.send(gateway.request("/api/v1/transfers")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build());
        if (response == null) {
            return Schakel.UNREACHABLE;
        }
        if (response.statusCode() != 202 && response.statusCode() != 200) {
            return gateway.refused(response);
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode body = GatewayClient.json(response);
        String location = response.headers().firstValue("Location").orElse(null);
        String id = GatewayClient.text(body, "transferId").or(() -> GatewayClient.text(body, "id"))
                .orElse(location == null ? "(not given)" : location.substring(location.lastIndexOf('/') + 1));
        out.println("Accepted (HTTP " + response.statusCode() + "): transfer " + id);
        if (location != null) {
            out.println("Location: " + location);
        }
        out.flush();
        return 0;
    }
}
