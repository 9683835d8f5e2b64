package nl.schakel;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Where a setting such as schakel.directory points: {@code classpath:...} or a file path ({@code file:} optional). */
public final class Locations {
    private Locations() {
    }

    /** The location as a URL; {@code classpath} finds a resource by its name (null when there is none). */
    public static URL url(String location, Function<String, URL> classpath) throws IOException {
        if (location.startsWith("classpath:")) {
            URL url = classpath.apply(location.substring("classpath:".length()));
            if (url == null) {
                throw new IOException("not on the classpath: " + location);
            }
            return url;
        }
        Path file = Path.of(location.startsWith("file:") ? location.substring(5) : location);
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read " + file.toAbsolutePath());
        }
        return file.toUri().toURL();
    }

    /** A location and a comma-separated list of more (empty: none), each as {@link #url}. */
    public static java.util.List<URL> urls(String location, String more, Function<String, URL> classpath) throws IOException {
        java.util.List<URL> urls = new java.util.ArrayList<>(java.util.List.of(url(location, classpath)));
        for (String extra : more.split(",")) {
            if (!extra.isBlank()) {
                urls.add(url(extra.strip(), classpath));
            }
        }
        return urls;
    }
}
