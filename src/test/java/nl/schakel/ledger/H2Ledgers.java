package nl.schakel.ledger;

import org.h2.jdbcx.JdbcDataSource;

import java.nio.file.Path;

/** The embedded default's database for a test that needs a real ledger but not the gateway: an H2 file in a folder. */
public final class H2Ledgers {
    private H2Ledgers() {
    }

    public static JdbcDataSource dataSource(Path folder) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + folder.resolve("ledger"));
        ds.setUser("sa");
        return ds;
    }
}
