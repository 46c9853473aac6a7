package dev.tracegate.ledger.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A bundle unpacked in a directory. Symbolic links are refused rather than followed. */
final class DirectoryBundleSource implements BundleSource {
    private final Path root;
    private final SortedMap<String, Long> files = new TreeMap<>();
    private final SortedMap<String, String> rejected = new TreeMap<>();

    DirectoryBundleSource(Path root) throws IOException {
        this.root = root;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                String relative = relative(path);
                if (path.equals(root) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    rejected.put(relative, "not a regular file (links are not followed)");
                } else {
                    files.put(relative, Files.size(path));
                }
            }
        }
    }

    private String relative(Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    @Override
    public SortedMap<String, Long> files() {
        return files;
    }

    @Override
    public SortedMap<String, String> rejectedEntries() {
        return rejected;
    }

    @Override
    public InputStream open(String path) throws IOException {
        if (!files.containsKey(path)) {
            throw new IOException("no file " + path + " in the bundle");
        }
        return Files.newInputStream(root.resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() {}
}
