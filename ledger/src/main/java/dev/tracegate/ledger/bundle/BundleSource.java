package dev.tracegate.ledger.bundle;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;

/** Read access to a bundle, whether a directory or a zip file. */
public interface BundleSource extends Closeable {
    /** Regular files by relative path with '/' separators, and their sizes. */
    SortedMap<String, Long> files();

    /** Entries that cannot be part of a bundle (links, unsafe or duplicate paths): path to reason. */
    SortedMap<String, String> rejectedEntries();

    InputStream open(String path) throws IOException;

    static BundleSource open(Path bundle) throws IOException {
        if (Files.isDirectory(bundle)) {
            return new DirectoryBundleSource(bundle);
        }
        if (Files.isRegularFile(bundle)) {
            return new ZipBundleSource(bundle);
        }
        throw new IOException("no bundle directory or zip file at " + bundle);
    }
}
