package nl.schakel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The command line of the jar, {@code java -jar schakel-gateway.jar COMMAND}: {@code run} (the default,
 * the gateway itself), {@code validate}, {@code send}, {@code status}, {@code hash-password},
 * {@code hash-token}, {@code new-token}, {@code directory check} and {@code broker-config}. Exit codes: 0 done (all valid),
 * 1 invalid or refused, 2 a usage error (unknown option, missing file), 3 the gateway cannot be reached.
 */
@Command(name = "schakel", mixinStandardHelpOptions = true, versionProvider = Schakel.Version.class,
        description = {"Schakel, the pupil transfer gateway, and its tools ('schakel' is java -jar schakel-gateway.jar).",
                "Without a command it starts the gateway (schakel run)."},
        subcommands = {RunCommand.class, ValidateCommand.class, SendCommand.class, StatusCommand.class, HashPasswordCommand.class,
                HashTokenCommand.class, NewTokenCommand.class, DirectoryCommand.class, BrokerConfigCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done; every file valid", "1:a file invalid, a request refused", "2:usage error (unknown option, missing file)",
                "3:the gateway cannot be reached"})
public final class Schakel implements Callable<Integer> {
    public static final int INVALID = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    private final Function<String, String> environment;
    private final InputStream stdin;
    private final Supplier<Console> console;

    @Spec
    CommandSpec spec;

    /** The process's environment, standard input and console. */
    public Schakel() {
        this(System::getenv, System.in, System::console);
    }

    /** For tests: an environment, standard input and (maybe null) console of their own. */
    public Schakel(Function<String, String> environment, InputStream stdin, Supplier<Console> console) {
        this.environment = environment;
        this.stdin = stdin;
        this.console = console;
    }

    /** Runs a command line as the jar does; no arguments is {@code run}. Exits the JVM except after the gateway ran and stopped. */
    public static void main(String[] args) {
        String[] effective = args.length == 0 ? new String[] {"run"} : args;
        int code = commandLine(new Schakel()).execute(effective);
        if (code != 0 || !"run".equals(effective[0])) {
            System.exit(code);
        }
    }

    /** The command line of {@code root}: a usage error prints its reason and where help is, not the whole usage. */
    public static CommandLine commandLine(Schakel root) {
        CommandLine cl = new CommandLine(root);
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(e.getMessage());
            err.println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return USAGE;
        });
        return cl;
    }

    /** With options only, no command: the usage (main makes no arguments 'run'). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    String env(String name) {
        return environment.apply(name);
    }

    /** A secret from the console without echo, or else one line of standard input; null when there is none. */
    char[] readSecret(String prompt) throws IOException {
        Console c = console.get();
        if (c != null) {
            return c.readPassword("%s: ", prompt);
        }
        String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }

    /** The project version, from a resource the build fills in. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Schakel.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"schakel " + p.getProperty("version", "(unknown version)")};
        }
    }
}
