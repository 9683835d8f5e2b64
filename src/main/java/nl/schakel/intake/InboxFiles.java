package nl.schakel.intake;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

import java.io.File;
import java.util.Locale;

/**
 * The file channel's inbox: {@code <data-dir>/inbox/<code>/}, one folder per institution on the
 * file channel, each polled by its own route. Entries named *.xml or *.json, whatever else their
 * name holds, are taken; anything else (a school's temporary name while writing) is left alone.
 */
public final class InboxFiles implements GenericFileFilter<File> {

    @Override
    public boolean accept(GenericFile<File> file) {
        // the name as it is on disk: Camel's own copy of it turns a backslash into a separator
        String name = file.getFile().getName().toLowerCase(Locale.ROOT);
        return !file.isDirectory() && (name.endsWith(".xml") || name.endsWith(".json"));
    }
}
