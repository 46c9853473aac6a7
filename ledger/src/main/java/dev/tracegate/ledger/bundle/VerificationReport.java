package dev.tracegate.ledger.bundle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of verifying a bundle: one result line per step that passed, and if verification
 * failed, the first failing item.
 *
 * @param origin the log the checkpoint is of, once read
 * @param treeSize the checkpoint's tree size, or -1 if verification stopped before reading it
 * @param blobsAbsent referenced blobs not in the bundle (allowed: blobs may be deleted at the end
 *     of their retention while the leaf keeps committing to their hash)
 * @param verifierKey the key line the checkpoint signature was checked with, once known
 * @param everyItemVerified every event, proof, blob and consistency proof the bundle holds verified:
 *     if verification failed, it failed only because the bundle holds other files or lines than the
 *     log signed at export (an event removed with its proof, a blob added), so what the remaining
 *     events show can still be computed, to name what is missing
 * @param checkpointAt when the export signed its checkpoint, as the signed manifest states; empty for a
 *     bundle exported before bundles stated it. The verdict says it: a checkpoint tells how many events
 *     the log held, never when, and an older whole bundle of the same log verifies as well as a newer one
 * @param warnings what the verdict warns of without failing: event times that go back, or run ahead of the export, by a
 *     second or more ({@link EventTimeOrder}); nobody can change a time without failing the proofs, so they tell of the
 *     clocks that stamped the events, not of a changed bundle
 */
public record VerificationReport(
        boolean ok,
        Optional<String> origin,
        long treeSize,
        long eventsChecked,
        long blobsChecked,
        long blobsAbsent,
        long consistencyProofsChecked,
        Optional<KeySource> keySource,
        Optional<String> verifierKey,
        List<String> results,
        Optional<VerificationFailure> failure,
        boolean everyItemVerified,
        Optional<Instant> checkpointAt,
        List<String> warnings) {

    /** The exit code of a bundle that verified against its own key only: not 0 (trusted), not 1 (failed). */
    public static final int UNTRUSTED_EXIT = 3;

    public VerificationReport {
        results = List.copyOf(results);
        checkpointAt = checkpointAt == null ? Optional.empty() : checkpointAt;
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * Verified against a key the auditor gave. A bundle checked only against the key it carries
     * proves that it agrees with itself, nothing of which log wrote it: whoever rewrote its events
     * signed them with a key of their own and put that key in its {@code log-key.pub}, under the
     * log's name. So the verifiers exit with {@link #UNTRUSTED_EXIT} for it, never with success.
     */
    public boolean trusted() {
        return ok && keySource.orElse(null) == KeySource.TRUSTED_KEY;
    }

    /**
     * One line: "VERIFIED ...", "NOT TRUSTED: ..." (every check passed, but against the key the bundle carries only) or
     * "FAILED &lt;first failing item&gt;". An untrusted bundle's line does not start with VERIFIED: until 2026-12-07 it did,
     * and a second line said NOT TRUSTED, so a reader or a script that read the first verdict took a forger's bundle
     * for the log's.
     */
    public String summary() {
        String times = warnings.stream().map(warning -> "; WARNING: " + warning).collect(Collectors.joining());
        if (ok && !trusted()) {
            return "NOT TRUSTED: " + eventsChecked + " event(s) of log " + origin.orElse("?") + " agree only with the key the bundle"
                    + " carries (" + verifierKey.orElse("?") + "): no --key given, and anyone who rewrote the bundle would have"
                    + " replaced that key with their own; verify with the log's published key (--key), obtained from its operator,"
                    + " not from the bundle" + times;
        }
        if (ok) {
            return "VERIFIED " + eventsChecked + " event(s) of log " + origin.orElse("?") + " against the checkpoint at tree size " + treeSize
                    + checkpointAt.map(at -> ", the log as of " + at + " (when the export signed it)")
                            .orElse(", the log as of a time the bundle does not state (exported before bundles stated it)")
                    + " (signature checked with the trusted key)" + times;
        }
        return "FAILED " + failure.map(VerificationFailure::describe).orElse("unknown failure");
    }
}
