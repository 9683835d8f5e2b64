package nl.schakel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code schakel directory ...}: tools for the directory file. */
@Command(name = "directory", mixinStandardHelpOptions = true, description = "Tools for the directory of institutions and agreements.",
        subcommands = DirectoryCheckCommand.class)
final class DirectoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Schakel.USAGE;
    }
}
