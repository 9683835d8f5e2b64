package nl.schakel;

import org.apache.camel.main.Main;

/** Starts the Schakel gateway on Camel Main with application.properties and routes/. */
public final class Gateway {
    private Gateway() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(GatewayConfiguration.class);
        main.run(args);
    }
}
