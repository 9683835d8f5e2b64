package nl.schakel;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataFolderTest {

    @Test
    void refuses_modes_that_let_other_users_read_pupil_data() {
        assertThatThrownBy(() -> new DataFolder(Path.of("data"), "rwxr-xr-x", "rw-------"))
                .hasMessageContaining("must not let other users read");
        assertThatThrownBy(() -> new DataFolder(Path.of("data"), "rwx------", "rw-r--r--"))
                .hasMessageContaining("must not let other users read");
        assertThatThrownBy(() -> new DataFolder(Path.of("data"), "700", "rw-------"))
                .hasMessageContaining("schakel.permissions.exchange-folders must be a mode like rwx------");
    }
}
