package nl.schakel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;

/** {@code schakel new-token}: a fresh API token, 32 random bytes in base64url. */
@Command(name = "new-token", mixinStandardHelpOptions = true,
        description = {"Prints a fresh random API token (32 bytes, base64url).",
                "Give it to the institution; store its hash (schakel hash-token) at the gateway."})
final class NewTokenCommand implements Callable<Integer> {
    static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        byte[] token = new byte[BYTES];
        RANDOM.nextBytes(token);
        spec.commandLine().getOut().println(Base64.getUrlEncoder().withoutPadding().encodeToString(token));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
