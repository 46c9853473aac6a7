package dev.tracegate.ledger.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Files computed from a bundle and shipped inside it (an audit report): {@link
 * EvidenceBundleWriter#finish(String, String, BundleAttachments)} calls it once every event,
 * proof, blob, the checkpoint and the key are in place, and lists what it returns in the manifest
 * like every other file.
 */
@FunctionalInterface
public interface BundleAttachments {
    /**
     * @param stagedBundle the bundle's directory as it will be published, without its manifest yet
     * @return top-level file names (not one of the bundle's own files) and their content
     */
    Map<String, byte[]> create(Path stagedBundle) throws IOException;
}
