package nl.schakel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static nl.schakel.cli.Cli.DEMO_DIRECTORY;
import static org.assertj.core.api.Assertions.assertThat;

class DirectoryCheckCommandTest {
    @Test
    void the_demo_directory_is_readable_and_counted_per_channel_and_region() {
        Cli.Result r = Cli.run("directory", "check", DEMO_DIRECTORY.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("18 institutions, 1 agreement", "per channel: file 9, http 5, queue 4",
                "per region:  Emmen 2, Haarlem 3, Hardenberg 2, Nijmegen 6, Utrecht 5", "no warnings");
    }

    @Test
    void an_unknown_channel_is_an_error_naming_the_institution_and_the_choices(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("directory.yaml"),
                "institutions:\n  - { code: 30AA00, name: A, kind: ISK, region: Nijmegen, channel: pigeon }\n");

        Cli.Result r = Cli.run("directory", "check", file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("not a valid directory", "institution 30AA00 has channel 'pigeon', not one of [file, queue, http]");
    }

    @Test
    void an_agreement_naming_an_unknown_institution_is_an_error(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("directory.yaml"), """
                institutions:
                  - { code: 30AA00, name: A, kind: ISK, region: Nijmegen }
                agreements:
                  - { name: Convenant, between: [30AA00, 99ZZ00] }
                """);

        Cli.Result r = Cli.run("directory", "check", file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("agreement 'Convenant' names unknown institution 99ZZ00");
    }

    @Test
    void a_misspelt_key_is_an_error_with_its_line(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("directory.yaml"), """
                institutions:
                  - code: 30AA00
                    kind: ISK
                    regoin: Nijmegen
                """);

        Cli.Result r = Cli.run("directory", "check", file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("not a valid directory (line 4", "regoin");
    }

    @Test
    void an_agreement_within_one_region_and_a_region_spelt_two_ways_are_warnings(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("directory.yaml"), """
                institutions:
                  - { code: 30AA00, name: A, kind: ISK, region: Nijmegen }
                  - { code: 30AB00, name: B, kind: VO, region: Nijmegen }
                  - { code: 30AC00, name: C, kind: MBO, region: nijmegen }
                agreements:
                  - { name: Overbodig, between: [30AA00, 30AB00] }
                """);

        Cli.Result r = Cli.run("directory", "check", file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("warning: agreement 'Overbodig' is between 30AA00 and 30AB00 of one region (Nijmegen)",
                "warning: regions 'Nijmegen' and 'nijmegen' (30AC00) differ only in case or spaces", "2 warnings.");
    }

    @Test
    void a_missing_directory_file_is_a_usage_error() {
        Cli.Result r = Cli.run("directory", "check", "no-such-directory.yaml");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read no-such-directory.yaml");
    }
}
