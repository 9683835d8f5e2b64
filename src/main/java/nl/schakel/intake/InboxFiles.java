package nl.schakel.intake;

import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import org.apache.camel.Header;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The file channel's inbox: {@code <data-dir>/inbox/<code>/}, one folder per institution on the
 * file channel. Only *.xml and *.json in the folder of such an institution are picked up; anything
 * else is left where it is.
 */
public final class InboxFiles implements GenericFileFilter<Object> {
    private final Directory directory;

    public InboxFiles(Directory directory) {
        this.directory = directory;
    }

    @Override
    public boolean accept(GenericFile<Object> file) {
        if (file.isDirectory()) {
            return isFileChannelOwner(file.getFileNameOnly());
        }
        String name = file.getFileNameOnly().toLowerCase(Locale.ROOT);
        return (name.endsWith(".xml") || name.endsWith(".json")) && isFileChannelOwner(owner(file.getParent()));
    }

    /** The institution whose inbox folder holds the file. */
    public String owner(@Header("CamelFileParent") String parent) {
        Path name = Path.of(parent).getFileName();
        return name == null ? null : name.toString();
    }

    private boolean isFileChannelOwner(String code) {
        return directory.find(code).map(i -> i.channel() == Institution.Channel.FILE).orElse(false);
    }
}
