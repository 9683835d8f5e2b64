package nl.schakel;

import org.apache.camel.spi.PropertiesComponent;

import java.util.Optional;

/** The schakel.* settings, typed: a missing required key stops the start with its name. */
public final class Settings {
    private final PropertiesComponent props;

    public Settings(PropertiesComponent props) {
        this.props = props;
    }

    public String text(String key) {
        return props.resolveProperty(key).orElseThrow(() -> new IllegalArgumentException("missing setting " + key));
    }

    /** A setting that may be left empty. */
    public Optional<String> optional(String key) {
        return props.resolveProperty(key).filter(v -> !v.isBlank());
    }

    public int integer(String key) {
        return Integer.parseInt(text(key).trim());
    }

    public long number(String key) {
        return Long.parseLong(text(key).trim());
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(text(key).trim());
    }

    /** Overrides a setting for the routes (their {{placeholders}}) from here on. */
    public void override(String key, String value) {
        props.addOverrideProperty(key, value);
    }
}
