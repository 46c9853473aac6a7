package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.bundle.EvidenceBundleWriter;
import dev.tracegate.ledger.jcs.Jcs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The blobs of one bundle: each blob an event refers to goes in once, if the store still holds it
 * (retention may have removed it; the verifier then reports it as withheld, not as tampered).
 */
final class BundleBlobs {

    private final BlobStore store;
    private final EvidenceBundleWriter bundle;
    private final Set<String> added = new HashSet<>();

    BundleBlobs(BlobStore store, EvidenceBundleWriter bundle) {
        this.store = store;
        this.bundle = bundle;
    }

    void addFor(byte[] leaf) throws IOException {
        if (!new String(leaf, StandardCharsets.UTF_8).contains("\"blob\":\"sha256:")) {
            return;
        }
        for (JsonNode node : Jcs.parse(leaf).findValues("blob")) {
            String digest = node.asText();
            if (added.add(digest)) {
                Optional<byte[]> content = store.get(digest);
                if (content.isPresent()) {
                    bundle.addBlob(content.get());
                }
            }
        }
    }
}
