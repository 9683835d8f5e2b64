package nl.schakel.health;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Readiness: every file-channel institution's drop folders, inbox/&lt;code&gt; and outbox/&lt;code&gt;
 * under the data folder, exist as folders (not links), are writable by the gateway, and their disk
 * has at least the free-space floor (schakel.disk.min-free-bytes). DOWN names the folders by
 * institution code and says what is wrong, with the numbers; never a file inside them.
 */
public final class DropFolderHealthCheck extends AbstractHealthCheck {
    private final Path dataDir;
    private final List<String> codes;
    private final LongSupplier minFreeBytes;

    public DropFolderHealthCheck(Path dataDir, List<String> codes, LongSupplier minFreeBytes) {
        super("schakel", "drop-folders");
        this.dataDir = dataDir;
        this.codes = List.copyOf(codes);
        this.minFreeBytes = minFreeBytes;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long floor = minFreeBytes.getAsLong();
        List<String> problems = new ArrayList<>();
        for (String code : codes) {
            for (String side : List.of("inbox", "outbox")) {
                String name = code + " " + side;
                problem(dataDir.resolve(side).resolve(code), floor).ifPresent(p -> problems.add(name + " " + p));
            }
        }
        builder.detail("drop-folders", codes.size() * 2);
        builder.detail("drop-folders.down", problems.size());
        builder.detail("min-free-bytes", floor);
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.message("Drop folders not usable: " + String.join("; ", problems)).down();
        }
    }

    /** What is wrong with one folder, if anything. */
    static java.util.Optional<String> problem(Path folder, long floor) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.of(Files.exists(folder, LinkOption.NOFOLLOW_LINKS) ? "is not a folder" : "is missing");
        }
        if (!Files.isWritable(folder)) {
            return java.util.Optional.of("is not writable");
        }
        try {
            long free = Files.getFileStore(folder).getUsableSpace();
            if (free < floor) {
                return java.util.Optional.of("has " + free + " bytes free, under the floor of " + floor);
            }
        } catch (IOException e) {
            return java.util.Optional.of("free space unknown (" + e.getClass().getSimpleName() + ")");
        }
        return java.util.Optional.empty();
    }
}
