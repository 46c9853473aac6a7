package dev.tracegate.gateway.evidence;

import dev.tracegate.ledger.bundle.ConsistencyLine;
import dev.tracegate.ledger.bundle.EvidenceBundleWriter;
import dev.tracegate.ledger.bundle.ManifestNote;
import dev.tracegate.ledger.bundle.ProofLine;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.InclusionProof;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes an auditor's bundle (docs/evidence.md, "The export bundle"): a fresh signed checkpoint, the
 * selected events exactly as stored, an inclusion proof for each when the export is partial, a
 * consistency proof from the previous export's checkpoint when one is given, the verifier key
 * and the manifest. Events stream from the log (a full or time-only export reads it in order; a
 * filter by session, user, connection or trace looks the events up in the query index); nothing
 * holds them all.
 */
public final class EvidenceExporter {

    private final EvidenceLog log;
    private final CheckpointService checkpoints;

    /** What was written. */
    public record Summary(long events, long treeSize, boolean full) {
    }

    public EvidenceExporter(EvidenceLog log, CheckpointService checkpoints) {
        this.log = log;
        this.checkpoints = checkpoints;
    }

    public Summary export(ExportFilter filter, Path target) throws IOException {
        return export(filter, target, Optional.empty());
    }

    /**
     * As {@link #export(ExportFilter, Path)}; with {@code since}, the signed note of an earlier
     * checkpoint (the previous export's), the bundle also carries the consistency proof from it to
     * the new checkpoint, so an auditor sees the log only grew in between.
     *
     * @throws EarlierCheckpointException when {@code since} is not this log's, or the log no longer extends it
     */
    public Summary export(ExportFilter filter, Path target, Optional<String> since) throws IOException {
        Instant asOf = Instant.now(); // every event logged before is durable when signNow signs, so in its checkpoint
        CheckpointService.SignedCheckpoint checkpoint = checkpoints.signNow();
        long treeSize = checkpoint.checkpoint().size();
        boolean full = filter.selectsEverything();
        long written = 0;
        try (EvidenceBundleWriter bundle = EvidenceBundleWriter.open(target); EvidenceReader reader = log.reader()) {
            BundleBlobs blobs = new BundleBlobs(log.blobs(), bundle);
            if (!full) {
                bundle.selective(); // a selection that holds no event is an empty bundle, not a refused export
            }
            reader.requireCovers(treeSize);
            SubtreeHashes hashes = reader.subtrees();
            if (since.isPresent()) {
                bundle.addConsistencyProof(consistencyFrom(since.get(), checkpoint.checkpoint(), hashes));
            }
            long[] count = {0};
            EvidenceReader.LeafVisitor add = (index, leaf) -> {
                if (filter.from() != null || filter.to() != null) {
                    Instant time = EventTime.of(leaf);
                    if (filter.from() != null && time.isBefore(filter.from()) || filter.to() != null && !time.isBefore(filter.to())) {
                        return;
                    }
                }
                if (full) {
                    bundle.addEvent(leaf);
                } else {
                    bundle.addEvent(leaf, new ProofLine(index, treeSize, InclusionProof.create(index, treeSize, hashes)));
                }
                blobs.addFor(leaf);
                count[0]++;
            };
            if (filter.narrowsByIndex()) {
                // The query index names the chunks that can hold such events; each one's time is checked as it is read.
                long[] indices = reader.indices(new EventSelection(filter.session(), filter.user(), filter.connection(),
                        filter.trace(), filter.from(), filter.to(), 0), treeSize);
                for (int from = 0; from < indices.length; from += 1_000) {
                    long[] part = Arrays.copyOfRange(indices, from, Math.min(indices.length, from + 1_000));
                    List<byte[]> leaves = reader.leaves(part);
                    for (int i = 0; i < part.length; i++) {
                        add.visit(part[i], leaves.get(i));
                    }
                }
            } else {
                reader.scan(0, treeSize, add);
            }
            written = count[0];
            bundle.finish(checkpoint.note(), checkpoints.signer(), ManifestNote.stating(filter.toSelection(), asOf), staged -> Map.of());
        }
        return new Summary(written, treeSize, full);
    }

    /** The proof that {@code note} is a prefix of {@code current}, checked before it goes into a bundle. */
    private ConsistencyLine consistencyFrom(String note, Checkpoint current, SubtreeHashes hashes) {
        Checkpoint earlier;
        try {
            earlier = SignedNote.verify(note, checkpoints.verifierKey());
        } catch (NoteException e) {
            throw new EarlierCheckpointException(EarlierCheckpointException.Reason.NOT_THIS_LOG,
                    "the earlier checkpoint is not one of this log's (" + e.getMessage() + ")");
        }
        if (!earlier.origin().equals(current.origin())) {
            throw new EarlierCheckpointException(EarlierCheckpointException.Reason.NOT_THIS_LOG,
                    "the earlier checkpoint is of log " + earlier.origin() + ", not " + current.origin());
        }
        if (earlier.size() > current.size()) {
            throw new EarlierCheckpointException(EarlierCheckpointException.Reason.NOT_A_PREFIX, "the log holds "
                    + current.size() + " events, fewer than the " + earlier.size() + " of the earlier checkpoint: it was truncated");
        }
        List<byte[]> proof = ConsistencyProof.create(earlier.size(), current.size(), hashes);
        if (!ConsistencyProof.isValid(earlier.size(), current.size(), earlier.rootHash(), current.rootHash(), proof)) {
            throw new EarlierCheckpointException(EarlierCheckpointException.Reason.NOT_A_PREFIX, "the log of "
                    + current.size() + " events does not extend the earlier checkpoint of " + earlier.size()
                    + " events: it was rewritten since that checkpoint was signed");
        }
        return new ConsistencyLine(note, current.size(), proof);
    }
}
