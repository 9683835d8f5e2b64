package nl.schakel.cli;

import nl.schakel.broker.Passwords;
import nl.schakel.http.ApiTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code schakel new-token CODE}: a fresh HTTP API token for an institution, and the line for the gateway's tokens file. */
@Command(name = "new-token", mixinStandardHelpOptions = true,
        description = {"Prints a fresh HTTP API token for an institution (<code>.<32 random bytes, base64url>) and its line for",
                "schakel.http.tokens-file (<code> = <hash>). Give the token to the institution; keep only the line."})
final class NewTokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CODE", description = "The institution's code, e.g. 30AD00.")
    String code;

    @Override
    public Integer call() {
        if (!code.matches("[0-9]{2}[A-Z]{2}[0-9]{2}")) {
            throw new ParameterException(spec.commandLine(), "CODE is an institution code like 30AD00, not '" + code + "'");
        }
        String token = ApiTokens.issue(code);
        PrintWriter out = spec.commandLine().getOut();
        out.println("token (for the institution): " + token);
        out.println("line for schakel.http.tokens-file: " + code + " = " + Passwords.hash(token.toCharArray()));
        out.flush();
        return 0;
    }
}
