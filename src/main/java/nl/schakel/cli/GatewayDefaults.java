package nl.schakel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

/**
 * The gateway's settings for a tool that runs without Camel: application.properties from the jar,
 * overridden as the gateway's are, by a -Dkey=value system property or an environment variable
 * (schakel.max-message-bytes → SCHAKEL_MAX_MESSAGE_BYTES).
 */
final class GatewayDefaults {
    private final Properties defaults;
    private final Function<String, String> environment;

    private GatewayDefaults(Properties defaults, Function<String, String> environment) {
        this.defaults = defaults;
        this.environment = environment;
    }

    static GatewayDefaults load(Function<String, String> environment) throws IOException {
        Properties p = new Properties();
        try (InputStream in = GatewayDefaults.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IOException("application.properties is not on the classpath");
            }
            p.load(in);
        }
        return new GatewayDefaults(p, environment);
    }

    String text(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            value = environment.apply(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        if (value == null) {
            value = defaults.getProperty(key);
        }
        if (value == null) {
            throw new IllegalArgumentException("missing setting " + key);
        }
        return value.trim();
    }

    int integer(String key) {
        return Integer.parseInt(text(key));
    }

    /** A location setting, classpath:... or a file path, as the gateway reads it. */
    URL location(String key) throws IOException {
        return nl.schakel.Locations.url(text(key), GatewayDefaults.class.getClassLoader()::getResource);
    }
}
