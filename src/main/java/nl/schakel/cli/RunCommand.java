package nl.schakel.cli;

import nl.schakel.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code schakel run [CAMEL-MAIN-ARGS...]}: the gateway, as java -jar with no arguments starts it. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Starts the gateway (the default command).",
                "Settings are -Dschakel.*=... system properties or SCHAKEL_* environment variables;",
                "arguments after 'run' go to Camel Main as they are."})
final class RunCommand implements Callable<Integer> {
    @Unmatched
    List<String> camelArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Gateway.run(camelArgs.toArray(String[]::new));
        return 0;
    }
}
