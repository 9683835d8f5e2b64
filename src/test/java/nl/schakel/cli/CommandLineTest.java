package nl.schakel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {
    @Test
    void version_is_the_projects_version() {
        Cli.Result r = Cli.run("--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().trim()).matches("schakel \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void help_lists_every_command() {
        Cli.Result r = Cli.run("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("run", "validate", "send", "status", "hash-password", "hash-token", "new-token", "directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "validate", "send", "status", "hash-password", "hash-token", "new-token", "directory"})
    void every_command_has_help(String command) {
        Cli.Result r = Cli.run(command, "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: schakel " + command);
    }

    @Test
    void an_unknown_command_is_a_usage_error() {
        Cli.Result r = Cli.run("vaildate", "export.xml");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("vaildate");
    }
}
