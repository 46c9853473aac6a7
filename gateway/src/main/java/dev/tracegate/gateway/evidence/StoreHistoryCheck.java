package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.MerkleTree;
import dev.tracegate.ledger.merkle.ProofException;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import dev.tracegate.ledger.note.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The start-up check: the store must extend every signed checkpoint the gateway knows of (the
 * anchor outside the store, a published one, the store's own latest). Every stored event is
 * rehashed once (about a second per million events), which gives the tree as the events say it
 * is; each known checkpoint must be its prefix (same root at that size), the store's hash tables
 * must agree with the events, and a consistency proof (RFC 9162 section 2.1.4) from each
 * checkpoint to the current tree, built from those tables, must verify. Anything else stops the
 * gateway with what was found and what to do.
 */
final class StoreHistoryCheck {

    /** A signed checkpoint the store must extend, and where it came from (for the message). */
    record Reference(String source, Checkpoint checkpoint) {
    }

    private StoreHistoryCheck() {
    }

    /**
     * Refuses a store that does not extend every one of {@code references}; with none (a new
     * gateway, or one whose anchor is gone) it still requires hash tables that agree with the
     * events, since the checkpoints signed from now on are computed from those tables.
     */
    static void requireExtends(EvidenceReader reader, String hashTables, List<Reference> references) {
        long storedSize = reader.size();
        for (Reference reference : references) {
            if (storedSize < reference.checkpoint().size()) {
                throw new StoreException(fewerEvents(storedSize, reference));
            }
        }
        Set<Long> sizes = new HashSet<>();
        references.forEach(r -> sizes.add(r.checkpoint().size()));
        Map<Long, byte[]> roots = new HashMap<>();
        byte[] current = rehash(reader, storedSize, sizes, roots);
        for (Reference reference : references) {
            if (!Arrays.equals(roots.get(reference.checkpoint().size()), reference.checkpoint().rootHash())) {
                throw new StoreException(rewritten(reference));
            }
        }
        SubtreeHashes hashes = reader.subtrees();
        try {
            if (!Arrays.equals(MerkleTree.rootFrom(hashes, storedSize), current)) {
                throw new StoreException("the evidence store's hash tables (" + hashTables + ") disagree with its " + storedSize
                        + " events: they were edited. Restore the store from a backup; refusing to start");
            }
            for (Reference reference : references) {
                requireConsistent(reference, storedSize, current, hashes);
            }
        } catch (IllegalStateException | StoreException e) {
            if (e.getMessage() != null && e.getMessage().contains("refusing to start")) {
                throw e;
            }
            throw new StoreException("the evidence store's hash tables (" + hashTables + ") are incomplete (" + e.getMessage()
                    + "): rows were deleted. Restore the store from a backup; refusing to start");
        }
    }

    private static void requireConsistent(Reference reference, long size, byte[] root, SubtreeHashes hashes) {
        Checkpoint old = reference.checkpoint();
        try {
            List<byte[]> proof = ConsistencyProof.create(old.size(), size, hashes);
            ConsistencyProof.verify(old.size(), size, old.rootHash(), root, proof);
        } catch (ProofException e) {
            throw new StoreException("the evidence store's tree of " + size + " events does not extend " + reference.source()
                    + " (" + old.size() + " events): " + e.getMessage() + ". Restore the store from a backup taken after that"
                    + " checkpoint; refusing to start");
        }
    }

    /**
     * The root of all {@code size} stored events, recomputed from the events themselves; the root
     * at each of {@code sizes} goes into {@code roots} on the way.
     */
    private static byte[] rehash(EvidenceReader reader, long size, Set<Long> sizes, Map<Long, byte[]> roots) {
        CompactRange range = CompactRange.empty();
        if (sizes.contains(0L)) {
            roots.put(0L, range.root());
        }
        try {
            reader.scan(0, size, (index, leaf) -> {
                range.append(MerkleHashes.leafHash(leaf));
                if (sizes.contains(range.size())) {
                    roots.put(range.size(), range.root());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StoreException e) {
            throw new StoreException(e.getMessage() + ". Restore the store from a backup; refusing to start", e);
        }
        if (range.size() != size) {
            throw new StoreException("the evidence store says it holds " + size + " events but has " + range.size()
                    + ": events were deleted. Restore the store from a backup; refusing to start");
        }
        return range.root();
    }

    private static String fewerEvents(long storedSize, Reference reference) {
        long signed = reference.checkpoint().size();
        if (storedSize == 0) {
            return "the evidence store holds no events, but " + reference.source() + " holds a checkpoint of " + signed
                    + " events this gateway signed: the store is missing, emptied or replaced. Point the gateway at the store"
                    + " it was using (store.*), or restore that store from a backup taken after the checkpoint. Only if a new"
                    + " log is really meant to start here, move the anchor away (keep it: it is evidence of the old log);"
                    + " refusing to start";
        }
        return "the evidence store holds " + storedSize + " events but " + reference.source() + " holds a checkpoint of "
                + signed + " events this gateway signed: events were deleted, or an older backup was restored. Restore the"
                + " store from a backup taken after that checkpoint; refusing to start";
    }

    private static String rewritten(Reference reference) {
        long signed = reference.checkpoint().size();
        return "the first " + signed + " events of the evidence store no longer match " + reference.source()
                + " (signed over " + signed + " events): the log was rewritten. Restore the store from a backup taken after"
                + " that checkpoint, and find out who changed it; refusing to start";
    }
}
