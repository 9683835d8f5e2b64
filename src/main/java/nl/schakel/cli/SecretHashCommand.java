package nl.schakel.cli;

import nl.schakel.broker.Passwords;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * hash-password and hash-token: a secret read from the console without echo (or one line of
 * standard input), printed as the gateway stores it, a PBKDF2 hash ({@link Passwords#hash}).
 */
abstract class SecretHashCommand implements Callable<Integer> {
    @ParentCommand
    Schakel root;

    @Spec
    CommandSpec spec;

    /** What the console asks for. */
    abstract String prompt();

    @Override
    public Integer call() throws Exception {
        char[] secret = root.readSecret(prompt());
        if (secret == null || secret.length == 0) {
            spec.commandLine().getErr().println("Nothing to hash: type the " + prompt().toLowerCase(java.util.Locale.ROOT)
                    + ", or give it as one line on standard input.");
            spec.commandLine().getErr().flush();
            return Schakel.USAGE;
        }
        try {
            spec.commandLine().getOut().println(Passwords.hash(secret));
            spec.commandLine().getOut().flush();
        } finally {
            Arrays.fill(secret, '\0');
        }
        return 0;
    }
}
