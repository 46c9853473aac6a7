package dev.tracegate.ledger.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** A bundle read straight from a zip file, nothing extracted. */
final class ZipBundleSource implements BundleSource {
    private final ZipFile zip;
    private final SortedMap<String, Long> files = new TreeMap<>();
    private final SortedMap<String, String> rejected = new TreeMap<>();

    ZipBundleSource(Path file) throws IOException {
        try {
            this.zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new IOException("neither a bundle directory nor a readable zip file (" + e.getMessage() + ")", e);
        }
        List<ZipEntry> listed = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            ZipEntry entry = entries.nextElement();
            listed.add(entry);
            if (entry.isDirectory()) {
                continue;
            }
            String name = entry.getName();
            if (!BundleLayout.isSafePath(name)) {
                rejected.put(name, "unsafe path in zip");
            } else if (entry.getSize() < 0) {
                rejected.put(name, "the zip's directory states no size for it");
            } else if (files.put(name, entry.getSize()) != null) {
                rejected.put(name, "appears twice in zip");
            }
        }
        try {
            requireUnambiguous(file, listed);
        } catch (IOException e) {
            zip.close();
            throw new IOException("not a zip file laid out as its directory says (" + e.getMessage() + ")", e);
        }
    }

    /** A zip whose bytes another reader could take for other entries is refused as a whole (see {@link ZipLayout}). */
    private void requireUnambiguous(Path file, List<ZipEntry> listed) throws IOException {
        Optional<String> problem = ZipLayout.problem(file, listed);
        if (problem.isPresent()) {
            rejected.put(String.valueOf(file.getFileName()), problem.get() + ": unzip tools could disagree on what it holds; refused");
        }
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
        ZipEntry entry = files.containsKey(path) ? zip.getEntry(path) : null;
        if (entry == null) {
            throw new IOException("no file " + path + " in the bundle");
        }
        return new StatedSizeInputStream(zip.getInputStream(entry), path, entry.getSize());
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
