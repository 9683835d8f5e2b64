package nl.schakel.intake;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.Locale;

/**
 * The file channel's inbox: {@code <data-dir>/inbox/<code>/}, one folder per institution on the
 * file channel, each polled by its own route. Entries named *.xml or *.json, whatever else their
 * name holds, are taken; anything else (a school's temporary name while writing) is left alone.
 * A receiver folder {@code <data-dir>/inbox/<code>/<receiver code>/} names the receiver of what is
 * in it (an OSO dossier names none); other folders and folders that are links are not looked into.
 */
public final class InboxFiles implements GenericFileFilter<File> {

    @Override
    public boolean accept(GenericFile<File> file) {
        // the name as it is on disk: Camel's own copy of it turns a backslash into a separator
        String name = file.getFile().getName().toLowerCase(Locale.ROOT);
        if (file.isDirectory()) {
            return nl.schakel.directory.Directory.isCode(file.getFile().getName())
                    && Files.isDirectory(file.getFile().toPath(), LinkOption.NOFOLLOW_LINKS);
        }
        return name.endsWith(".xml") || name.endsWith(".json");
    }

    /** The receiver folder a file was dropped into, or null for a file in the inbox itself. */
    public static String receiverFolder(Exchange exchange) {
        String relative = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        if (relative == null) {
            return null;
        }
        int slash = relative.replace(File.separatorChar, '/').indexOf('/');
        return slash < 0 ? null : relative.substring(0, slash);
    }
}
