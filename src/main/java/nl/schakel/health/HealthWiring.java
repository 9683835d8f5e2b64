package nl.schakel.health;

import nl.schakel.Settings;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;

import java.nio.file.Path;

/**
 * Registers the readiness checks of the drop folders and of every route (Camel's route checks, as
 * readiness only). The other parts register their own: broker, ledger, disk, clock, failed work.
 * Served at /observe/health, /observe/health/live and /observe/health/ready on the management port.
 */
public final class HealthWiring {
    private HealthWiring() {
    }

    public static void install(CamelContext context, Settings settings, Directory directory, Path dataDir) {
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health == null) {
            return;
        }
        health.register(new DropFolderHealthCheck(dataDir, directory.withChannel(Institution.Channel.FILE).stream().map(Institution::code).toList(),
                // read at every look, as the disk guard does
                () -> settings.number("schakel.disk.min-free-bytes")));
        RouteReadinessChecks routes = new RouteReadinessChecks();
        routes.setCamelContext(context);
        health.register(routes);
    }
}
