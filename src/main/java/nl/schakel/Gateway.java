package nl.schakel;

import nl.schakel.cli.Schakel;
import org.apache.camel.main.Main;

/**
 * The jar's entry point: the command line (nl.schakel.cli), whose default command, with no
 * arguments, starts the gateway on Camel Main with application.properties and routes/.
 */
public final class Gateway {
    private Gateway() {
    }

    public static void main(String[] args) throws Exception {
        Schakel.main(args);
    }

    /** Starts the gateway and returns when it has shut down; {@code args} are Camel Main's own. */
    public static void run(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(GatewayConfiguration.class);
        main.run(args);
    }
}
