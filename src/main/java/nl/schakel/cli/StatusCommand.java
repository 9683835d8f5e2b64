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
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code schakel status ID --as CODE --to URL}: where a transfer is, with its timeline. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows a transfer's status and timeline.", "GET {URL}/api/v1/transfers/{ID}.",
                "Exit 0: found; 1: refused or unknown; 2: usage error; 3: the gateway cannot be reached."})
final class StatusCommand implements Callable<Integer> {
    /** A transfer id is a code; anything else is not sent. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}");
    private static final Set<String> ENTRY_FIELDS = Set.of("at", "time", "timestamp", "status", "event");

    @Parameters(index = "0", paramLabel = "ID", description = "the transfer id send printed")
    String id;

    @Mixin
    ClientOptions client;

    @ParentCommand
    Schakel root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!ID.matcher(id).matches()) {
            throw new ParameterException(spec.commandLine(), "a transfer id has letters, digits, '.', '_' and '-' only");
        }
        GatewayClient gateway = new GatewayClient(client, spec, root);
        HttpResponse<String> response = gateway.send(gateway.request("/api/v1/transfers/" + id).GET().build());
        if (response == null) {
            return Schakel.UNREACHABLE;
        }
        if (response.statusCode() != 200) {
            return gateway.refused(response);
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode body = GatewayClient.json(response);
        out.println("Transfer " + GatewayClient.text(body, "transferId").or(() -> GatewayClient.text(body, "id")).orElse(id) + ": "
                + GatewayClient.text(body, "status").orElse("(no status given)"));
        JsonNode timeline = body.path("timeline");
        if (timeline.isArray()) {
            for (JsonNode entry : timeline) {
                String at = GatewayClient.text(entry, "at").or(() -> GatewayClient.text(entry, "time"))
                        .or(() -> GatewayClient.text(entry, "timestamp")).orElse("");
                String status = GatewayClient.text(entry, "status").or(() -> GatewayClient.text(entry, "event")).orElse("?");
                out.println("  " + at + "  " + status + GatewayClient.otherFields(entry, ENTRY_FIELDS));
            }
        }
        out.flush();
        return 0;
    }
}
