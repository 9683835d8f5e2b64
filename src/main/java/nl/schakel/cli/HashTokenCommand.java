package nl.schakel.cli;

import picocli.CommandLine.Command;

/** {@code schakel hash-token}: an API token as the gateway stores it, hashed like a password. */
@Command(name = "hash-token", mixinStandardHelpOptions = true,
        description = {"Prints the hash of an API token, as the gateway stores it.",
                "Reads the token from the console without echo, or one line of standard input; the hash is",
                "the form the gateway stores tokens in (the same PBKDF2 hash as hash-password). Make a token with new-token."})
final class HashTokenCommand extends SecretHashCommand {
    @Override
    String prompt() {
        return "Token";
    }
}
