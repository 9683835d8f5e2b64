package nl.schakel.cli;

import picocli.CommandLine.Command;

/** {@code schakel hash-password}: the line for a credentials or console accounts file. */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Prints the hash of a password for a credentials or accounts file.",
                "Reads the password from the console without echo, or one line of standard input; the hash is",
                "for schakel.broker.credentials-file (31AA00 = <hash>) or schakel.console.accounts-file (<name> = operator:<hash>)."})
final class HashPasswordCommand extends SecretHashCommand {
    @Override
    String prompt() {
        return "Password";
    }
}
