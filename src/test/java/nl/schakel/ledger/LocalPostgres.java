package nl.schakel.ledger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PostgreSQL server of deploy/local-cluster.sh when the user names none: the one the tests start
 * (zonky's embedded PostgreSQL binaries, from Maven Central), on 127.0.0.1 only, its data kept in a
 * folder between runs, user {@code postgres} with local trust authentication. Runs until the process
 * is stopped. For trying the HA set-up on one machine, not for production.
 * <p>
 * Usage: {@code LocalPostgres <port> <data folder>}
 */
public final class LocalPostgres {
    private LocalPostgres() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LocalPostgres <port> <data folder>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path data = Files.createDirectories(Path.of(args[1]));
        EmbeddedPostgres server = EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e);
            }
        }));
        System.out.println("PostgreSQL ready on 127.0.0.1:" + port + ", data in " + data);
        Thread.currentThread().join();
    }
}
