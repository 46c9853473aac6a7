package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.MerkleTree;
import dev.tracegate.ledger.merkle.ProofException;
import dev.tracegate.ledger.note.Checkpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
    static void requireExtends(Connection connection, long storedSize, List<Reference> references) throws SQLException {
        for (Reference reference : references) {
            if (storedSize < reference.checkpoint().size()) {
                throw new StoreException(fewerEvents(storedSize, reference));
            }
        }
        Set<Long> sizes = new HashSet<>();
        references.forEach(r -> sizes.add(r.checkpoint().size()));
        Map<Long, byte[]> roots = new HashMap<>();
        byte[] current = rehash(connection, storedSize, sizes, roots);
        for (Reference reference : references) {
            if (!Arrays.equals(roots.get(reference.checkpoint().size()), reference.checkpoint().rootHash())) {
                throw new StoreException(rewritten(reference));
            }
        }
        try (StoredSubtreeHashes hashes = new StoredSubtreeHashes(connection)) {
            if (!Arrays.equals(MerkleTree.rootFrom(hashes, storedSize), current)) {
                throw new StoreException("the evidence store's hash tables (merkle_subtree) disagree with its " + storedSize
                        + " events: they were edited. Restore the store from a backup; refusing to start");
            }
            for (Reference reference : references) {
                requireConsistent(reference, storedSize, current, hashes);
            }
        } catch (IllegalStateException e) {
            throw new StoreException("the evidence store's hash tables (merkle_subtree) are incomplete (" + e.getMessage()
                    + "): rows were deleted. Restore the store from a backup; refusing to start");
        }
    }

    private static void requireConsistent(Reference reference, long size, byte[] root, StoredSubtreeHashes hashes) {
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
    private static byte[] rehash(Connection connection, long size, Set<Long> sizes, Map<Long, byte[]> roots)
            throws SQLException {
        CompactRange range = CompactRange.empty();
        if (sizes.contains(0L)) {
            roots.put(0L, range.root());
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT idx, leaf FROM evidence_event WHERE idx < ? ORDER BY idx")) {
            select.setLong(1, size);
            select.setFetchSize(1000);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(1) != range.size()) {
                        throw new StoreException("evidence event " + range.size() + " is missing from the store: events were"
                                + " deleted. Restore the store from a backup; refusing to start");
                    }
                    range.append(MerkleHashes.leafHash(rs.getBytes(2)));
                    if (sizes.contains(range.size())) {
                        roots.put(range.size(), range.root());
                    }
                }
            }
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
