package dev.tracegate.ledger.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.jcs.JcsException;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.SequentialInclusionVerifier;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.ProofException;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import dev.tracegate.ledger.note.VerifierKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies an export bundle, directory or zip, following evidence-log spec section 6, and names
 * the first failing item.
 *
 * <p>The order is: the manifest's structure and every listed file except the JSONL files; the
 * checkpoint signature; the manifest's signature ({@code MANIFEST.sig}); the events with their
 * proofs in one streaming pass that also hashes the JSONL files for the manifest (so an altered
 * event is named by its line rather than only by a whole-file hash mismatch); the blobs; the
 * consistency proofs; that the bundle holds exactly what the log signed; when the auditor gives
 * one, their own earlier checkpoint, which one of those proofs must cover. The signed manifest is
 * compared after the lines so that a change is named by its line where it can be; what passes
 * every line's check (an event removed with its proof, an added blob, a swapped checkpoint) fails
 * there. Memory stays bounded by the number of distinct blobs, not the number of events.
 */
public final class BundleVerifier {
    private static final int MAX_SMALL_FILE = 1 << 20;
    private static final int MAX_LINE = 64 << 20;
    private static final int MAX_MANIFEST = 256 << 20;
    private static final Pattern MANIFEST_LINE = Pattern.compile("([0-9a-f]{64}) [ *](.+)");
    private static final Set<String> STREAMED = Set.of(BundleLayout.EVENTS, BundleLayout.PROOFS, BundleLayout.CONSISTENCY);
    private static final List<String> REQUIRED = List.of(BundleLayout.CHECKPOINT, BundleLayout.LOG_KEY, BundleLayout.EVENTS);

    private BundleVerifier() {}

    /**
     * Verifies the bundle at {@code dirOrZip}. With a trusted key the checkpoint must be signed by
     * it (and {@code log-key.pub} must be it); without, the bundle's own {@code log-key.pub} is used
     * and the report says so.
     */
    public static VerificationReport verify(Path dirOrZip, Optional<VerifierKey> trustedKey) {
        return verify(dirOrZip, trustedKey, Optional.empty());
    }

    /**
     * As {@link #verify(Path, Optional)}, and also proves that {@code earlierCheckpoint}, a signed
     * checkpoint the auditor kept (the previous export's {@code checkpoint} file), is a prefix of
     * this bundle's: the log only grew in between. The bundle must carry that proof in
     * {@code consistency.jsonl} (ask for the export with {@code --since-checkpoint}); without it,
     * or if the earlier checkpoint is larger or has another root at the same size, verification fails.
     */
    public static VerificationReport verify(Path dirOrZip, Optional<VerifierKey> trustedKey, Optional<String> earlierCheckpoint) {
        return verify(dirOrZip, trustedKey, earlierCheckpoint, Optional.empty());
    }

    /**
     * As {@link #verify(Path, Optional, Optional)}, for the log named {@code origin}. A bundle is of
     * the log its checkpoint names; without {@code origin} that must be the log the key is named
     * after, which is how the gateway names a key it generates ({@code tracegate keys generate
     * --name <origin>}). Why: one key may sign several logs (a staging copy of the production
     * configuration, a log started again under a new origin), and each of their bundles verifies
     * with it; only the origin says which log the evidence is of.
     */
    public static VerificationReport verify(Path dirOrZip, Optional<VerifierKey> trustedKey, Optional<String> earlierCheckpoint,
            Optional<String> origin) {
        return verify(dirOrZip, trustedKey, earlierCheckpoint, origin, RequiredFreshness.any());
    }

    /**
     * As {@link #verify(Path, Optional, Optional, Optional)}, and the bundle must be as current as
     * {@code freshness} says: a checkpoint of at least so many events, signed by the export at or
     * after a time. Why: an older whole bundle of the same log is genuine and verifies otherwise.
     */
    public static VerificationReport verify(Path dirOrZip, Optional<VerifierKey> trustedKey, Optional<String> earlierCheckpoint,
            Optional<String> origin, RequiredFreshness freshness) {
        return new Run(trustedKey, earlierCheckpoint, origin, freshness).execute(dirOrZip);
    }

    /** Thrown inside a run to stop at the first failure. */
    private static final class Failed extends Exception {
        final transient VerificationFailure failure;

        Failed(VerificationFailure failure) {
            super(failure.describe(), null, false, false);
            this.failure = failure;
        }
    }

    /** One verification, with the state it accumulates. */
    private static final class Run {
        private final Optional<VerifierKey> trustedKey;
        private final Optional<String> earlierNote;
        private final Optional<String> expectedOrigin;
        private final RequiredFreshness freshness;
        /** Earlier checkpoints this bundle proves to be prefixes of its own, by size. */
        private final Map<Long, byte[]> provenPrefixes = new HashMap<>();
        private final List<String> results = new ArrayList<>();
        private final Map<String, String> listed = new TreeMap<>();
        private final Map<String, Long> manifestLine = new HashMap<>();
        private final Map<String, String> computed = new HashMap<>();
        private final Map<String, BlobUse> blobUses = new HashMap<>();
        private byte[] manifestBytes;
        /** What MANIFEST.sha256 and the signed manifest disagree on, reported once every other step has passed. */
        private Optional<VerificationFailure> unsignedChange = Optional.empty();
        private boolean everyItemVerified;
        private BundleSource source;
        private VerifierKey signingKey;
        private KeySource keySource;
        private Checkpoint checkpoint;
        /** When the export signed the checkpoint, as its signed manifest states. */
        private Optional<Instant> checkpointAt = Optional.empty();
        private long eventsChecked;
        private long blobsChecked;
        private long blobsAbsent;
        private long consistencyChecked;
        private SequentialInclusionVerifier inclusion;
        /** How the events' times run, told with the verdict. */
        private EventTimeOrder times;

        /** The first event that referenced a blob, to name it if the blob is wrong. */
        record BlobUse(long line, long index, long size) {}

        Run(Optional<VerifierKey> trustedKey, Optional<String> earlierNote, Optional<String> expectedOrigin,
                RequiredFreshness freshness) {
            this.trustedKey = trustedKey;
            this.earlierNote = earlierNote;
            this.expectedOrigin = expectedOrigin;
            this.freshness = freshness;
        }

        VerificationReport execute(Path bundle) {
            Optional<VerificationFailure> failure = Optional.empty();
            try (BundleSource opened = BundleSource.open(bundle)) {
                source = opened;
                checkManifest();
                checkCheckpoint();
                checkManifestSignature();
                checkEvents();
                checkBlobs();
                checkConsistency();
                everyItemVerified = true;
                if (unsignedChange.isPresent()) {
                    throw new Failed(unsignedChange.get());
                }
                checkEarlierCheckpoint();
                checkFreshness();
            } catch (Failed e) {
                failure = Optional.of(e.failure);
            } catch (IOException e) {
                failure = Optional.of(VerificationFailure.of(bundle.toString(), "cannot read the bundle: " + e.getMessage()));
            } catch (OutOfMemoryError e) {
                // Lines and files are bounded, but not below every heap: say so rather than die with a stack trace.
                failure = Optional.of(VerificationFailure.of(bundle.toString(), "not verified: the bundle needs more memory than this"
                        + " JVM has (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); run it with a larger -Xmx"));
            }
            return new VerificationReport(failure.isEmpty(), Optional.ofNullable(checkpoint).map(Checkpoint::origin),
                    checkpoint == null ? -1 : checkpoint.size(), eventsChecked,
                    blobsChecked, blobsAbsent, consistencyChecked, Optional.ofNullable(keySource),
                    Optional.ofNullable(signingKey).map(VerifierKey::format), results, failure, everyItemVerified, checkpointAt,
                    times == null ? List.of() : times.warnings());
        }

        // --- step 1: manifest

        private void checkManifest() throws Failed {
            if (!source.rejectedEntries().isEmpty()) {
                Map.Entry<String, String> rejected = source.rejectedEntries().firstEntry();
                throw new Failed(VerificationFailure.of(rejected.getKey(), rejected.getValue()));
            }
            if (!source.files().containsKey(BundleLayout.MANIFEST)) {
                throw new Failed(VerificationFailure.of(BundleLayout.MANIFEST, "missing: the bundle has no manifest"));
            }
            manifestBytes = readSmall(BundleLayout.MANIFEST, MAX_MANIFEST);
            parseManifest(new String(manifestBytes, StandardCharsets.UTF_8), BundleLayout.MANIFEST, listed, manifestLine);
            for (String path : source.files().keySet()) {
                if (!path.equals(BundleLayout.MANIFEST) && !path.equals(BundleLayout.MANIFEST_SIGNATURE) && !listed.containsKey(path)) {
                    throw new Failed(VerificationFailure.of(path, "present in the bundle but not listed in " + BundleLayout.MANIFEST));
                }
            }
            for (String required : REQUIRED) {
                if (!listed.containsKey(required)) {
                    throw new Failed(VerificationFailure.of(required, "missing: every bundle needs it"));
                }
            }
            int hashedNow = 0;
            for (Map.Entry<String, String> entry : listed.entrySet()) {
                String path = entry.getKey();
                if (!source.files().containsKey(path)) {
                    throw new Failed(VerificationFailure.atLine(BundleLayout.MANIFEST, manifestLine.get(path),
                            "lists " + path + ", which is not in the bundle"));
                }
                if (STREAMED.contains(path)) {
                    continue;
                }
                String actual = hashFile(path);
                computed.put(path, actual);
                requireListedHash(path, actual);
                hashedNow++;
            }
            results.add("manifest: " + listed.size() + " file(s) listed, no unlisted file; " + hashedNow
                    + " hash(es) match, the JSONL files are hashed while their lines are checked");
        }

        private static void parseManifest(String text, String file, Map<String, String> into, Map<String, Long> lineOf) throws Failed {
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new Failed(VerificationFailure.of(file, "does not end with a newline (truncated?)"));
            }
            String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                long lineNumber = i + 1;
                Matcher m = MANIFEST_LINE.matcher(lines[i]);
                if (!m.matches()) {
                    throw new Failed(VerificationFailure.atLine(file, lineNumber, "not a sha256sum line \"<64 hex>  <path>\""));
                }
                String path = m.group(2);
                if (!BundleLayout.isSafePath(path) || path.equals(BundleLayout.MANIFEST) || path.equals(BundleLayout.MANIFEST_SIGNATURE)) {
                    throw new Failed(VerificationFailure.atLine(file, lineNumber, "path \"" + path + "\" is not a file inside the bundle"));
                }
                if (into.put(path, m.group(1)) != null) {
                    throw new Failed(VerificationFailure.atLine(file, lineNumber, path + " is listed twice"));
                }
                lineOf.put(path, lineNumber);
            }
        }

        private void requireListedHash(String path, String actual) throws Failed {
            if (!actual.equals(listed.get(path))) {
                throw new Failed(VerificationFailure.of(path, "SHA-256 is " + actual + ", but " + BundleLayout.MANIFEST + " line "
                        + manifestLine.get(path) + " says " + listed.get(path)));
            }
        }

        // --- step 2: checkpoint

        private void checkCheckpoint() throws Failed {
            String keyText = new String(readSmall(BundleLayout.LOG_KEY, MAX_SMALL_FILE), StandardCharsets.UTF_8);
            VerifierKey bundleKey;
            try {
                if (!keyText.endsWith("\n") || keyText.indexOf('\n') != keyText.length() - 1) {
                    throw new NoteException(NoteException.Reason.MALFORMED, "must hold exactly one verifier key line");
                }
                bundleKey = VerifierKey.parse(keyText);
            } catch (NoteException e) {
                throw new Failed(VerificationFailure.of(BundleLayout.LOG_KEY, e.getMessage()));
            }
            signingKey = trustedKey.orElse(bundleKey);
            keySource = trustedKey.isPresent() ? KeySource.TRUSTED_KEY : KeySource.BUNDLE_KEY;
            try {
                checkpoint = SignedNote.verify(readSmall(BundleLayout.CHECKPOINT, MAX_SMALL_FILE), signingKey);
            } catch (NoteException e) {
                throw new Failed(VerificationFailure.of(BundleLayout.CHECKPOINT, e.getMessage()
                        + (keySource == KeySource.TRUSTED_KEY ? " (checked with the trusted key)" : " (checked with the bundle's log-key.pub)")));
            }
            if (!bundleKey.equals(signingKey)) {
                throw new Failed(VerificationFailure.of(BundleLayout.LOG_KEY, "holds " + bundleKey.format()
                        + ", not the trusted key " + signingKey.format()));
            }
            requireExpectedLog();
            requireTreeRoot(checkpoint, reason -> VerificationFailure.of(BundleLayout.CHECKPOINT, reason));
            inclusion = new SequentialInclusionVerifier(checkpoint.size(), checkpoint.rootHash());
            results.add("checkpoint: " + checkpoint.origin() + " at tree size " + checkpoint.size() + ", root "
                    + HexFormat.of().formatHex(checkpoint.rootHash()) + ", signed by " + signingKey.name() + "+"
                    + signingKey.keyIdHex() + (keySource == KeySource.TRUSTED_KEY
                            ? " (the trusted key)"
                            : " (the bundle's own log-key.pub, not independently trusted: compare it with the published key)"));
        }

        /**
         * A signed checkpoint of size 0 must name the empty tree: its root is SHA-256 of nothing.
         * Why: no proof covers the empty tree, so any other root would pass as a prefix of every
         * log, and a bundle of nothing with it would verify. {@code at} says where it was read.
         */
        private static void requireTreeRoot(Checkpoint read, Function<String, VerificationFailure> at) throws Failed {
            try {
                ConsistencyProof.requireEmptyTreeRoot(read.size(), read.rootHash(), "checkpoint's");
            } catch (ProofException e) {
                throw new Failed(at.apply(e.getMessage() + ": no log signs that, it names no tree"));
            }
        }

        /** The checkpoint must be of the log asked for: the one given, or else the one the key is named after. */
        private void requireExpectedLog() throws Failed {
            String expected = expectedOrigin.orElse(signingKey.name());
            if (checkpoint.origin().equals(expected)) {
                return;
            }
            throw new Failed(VerificationFailure.of(BundleLayout.CHECKPOINT, expectedOrigin.isPresent()
                    ? "is of log " + checkpoint.origin() + ", not of the log " + expected + " given with --origin"
                    : "is of log " + checkpoint.origin() + ", but the key " + signingKey.name() + "+" + signingKey.keyIdHex()
                            + " is named after log " + expected + ": a bundle of another log signed with the same key; if "
                            + checkpoint.origin() + " is the log you mean, verify with --origin " + checkpoint.origin()));
        }

        // --- step 2b: the manifest the log signed at export

        private void checkManifestSignature() throws Failed {
            String file = BundleLayout.MANIFEST_SIGNATURE;
            if (!source.files().containsKey(file)) {
                throw new Failed(VerificationFailure.of(file, "missing: nothing signed by the log says which files and events the bundle"
                        + " held at export, so events, proofs or blobs removed or added since could not be detected"
                        + " (a bundle exported before manifests were signed: export it again)"));
            }
            // The note is the manifest plus a header and signature lines: anything larger is not one, and is not read.
            int limit = manifestBytes.length + MAX_SMALL_FILE;
            ManifestNote note;
            try {
                note = ManifestNote.parse(SignedNote.parse(readSmall(file, limit)).verifiedText(signingKey));
                checkpointAt = note.checkpointAt();
            } catch (NoteException e) {
                throw new Failed(VerificationFailure.of(file, e.getMessage()));
            }
            if (!note.origin().equals(checkpoint.origin())) {
                throw new Failed(VerificationFailure.of(file, "is the manifest of a bundle of log " + note.origin() + ", not of "
                        + checkpoint.origin()));
            }
            Map<String, String> signed = new TreeMap<>();
            parseManifest(note.manifest(), file, signed, new HashMap<>());
            unsignedChange = firstUnsignedChange(signed, note.manifest());
            results.add("manifest signature: " + file + " is signed by " + signingKey.name() + "+" + signingKey.keyIdHex()
                    + "; the bundle must hold exactly the files it lists, as they were at export; the selection exported: "
                    + (note.askedFor().equals(ManifestNote.noSelection()) ? "not stated" : note.askedFor()));
        }

        /** The first file whose listing differs from what the log signed, or the manifest itself when only its form differs. */
        private Optional<VerificationFailure> firstUnsignedChange(Map<String, String> signed, String signedText) {
            String by = " the manifest the log signed at export (" + BundleLayout.MANIFEST_SIGNATURE + ")";
            // The files that say what the evidence is come first, then the blobs and attachments.
            Set<String> all = new LinkedHashSet<>(List.of(BundleLayout.CHECKPOINT, BundleLayout.LOG_KEY, BundleLayout.EVENTS,
                    BundleLayout.PROOFS, BundleLayout.CONSISTENCY));
            all.addAll(new TreeSet<>(signed.keySet()));
            all.addAll(listed.keySet());
            all.removeIf(path -> !signed.containsKey(path) && !listed.containsKey(path));
            for (String path : all) {
                String signedHash = signed.get(path);
                String listedHash = listed.get(path);
                if (signedHash == null) {
                    return Optional.of(VerificationFailure.of(path, "not in" + by + ": added to the bundle after export"));
                }
                if (listedHash == null) {
                    return Optional.of(VerificationFailure.of(path, "listed in" + by + ", but no longer in the bundle: removed after export"));
                }
                if (!signedHash.equals(listedHash)) {
                    return Optional.of(VerificationFailure.of(path, "SHA-256 is " + listedHash + ", but" + by + " says " + signedHash
                            + ": the file was changed after export (for a .jsonl file: lines removed, added or changed)"));
                }
            }
            if (!signedText.equals(new String(manifestBytes, StandardCharsets.UTF_8))) {
                return Optional.of(VerificationFailure.of(BundleLayout.MANIFEST, "differs from" + by + " in its form"));
            }
            return Optional.empty();
        }

        // --- step 3: events and inclusion

        private void checkEvents() throws Failed, IOException {
            boolean withProofs = listed.containsKey(BundleLayout.PROOFS);
            times = new EventTimeOrder(checkpointAt);
            MessageDigest eventsDigest = MerkleHashes.newSha256();
            MessageDigest proofsDigest = MerkleHashes.newSha256();
            try (InputStream eventsIn = new DigestInputStream(source.open(BundleLayout.EVENTS), eventsDigest);
                    InputStream proofsIn = withProofs ? new DigestInputStream(source.open(BundleLayout.PROOFS), proofsDigest) : null) {
                LineReader events = new LineReader(eventsIn, MAX_LINE);
                LineReader proofs = withProofs ? new LineReader(proofsIn, MAX_LINE) : null;
                CompactRange recomputed = CompactRange.empty();
                long previousIndex = -1;
                for (byte[] line; (line = next(events, BundleLayout.EVENTS)) != null; ) {
                    long lineNumber = events.lineNumber();
                    long index = checkEvent(line, lineNumber);
                    byte[] leafHash = MerkleHashes.leafHash(line);
                    if (withProofs) {
                        if (index <= previousIndex) {
                            throw new Failed(VerificationFailure.atEvent(BundleLayout.EVENTS, lineNumber, index,
                                    "index " + index + " follows index " + previousIndex + ": events are not in index order"));
                        }
                        checkInclusion(index, lineNumber, leafHash, next(proofs, BundleLayout.PROOFS));
                    } else {
                        if (index != lineNumber - 1) {
                            throw new Failed(VerificationFailure.atEvent(BundleLayout.EVENTS, lineNumber, index,
                                    "a full export (no proofs.jsonl) must hold events 0..n-1 in order; expected index "
                                            + (lineNumber - 1)));
                        }
                        if (index >= checkpoint.size()) {
                            throw new Failed(VerificationFailure.atEvent(BundleLayout.EVENTS, lineNumber, index,
                                    "beyond the checkpoint's tree size " + checkpoint.size()));
                        }
                        recomputed.append(leafHash);
                    }
                    previousIndex = index;
                    eventsChecked++;
                }
                if (withProofs && next(proofs, BundleLayout.PROOFS) != null) {
                    throw new Failed(VerificationFailure.atLine(BundleLayout.PROOFS, proofs.lineNumber(),
                            "more proofs than events.jsonl has events (" + eventsChecked + ")"));
                }
                if (!withProofs) {
                    checkRecomputedRoot(recomputed);
                }
                drain(eventsIn);
                if (withProofs) {
                    drain(proofsIn);
                }
            }
            requireListedHash(BundleLayout.EVENTS, HexFormat.of().formatHex(eventsDigest.digest()));
            if (withProofs) {
                requireListedHash(BundleLayout.PROOFS, HexFormat.of().formatHex(proofsDigest.digest()));
            }
            results.add("events: " + eventsChecked + " event(s) in JCS form with v=1, "
                    + (withProofs ? "each inclusion proof verifies against the checkpoint"
                            : "a full export whose recomputed root equals the checkpoint root"));
            results.add(times.resultLine());
        }

        private long checkEvent(byte[] line, long lineNumber) throws Failed {
            JsonNode event;
            try {
                event = Jcs.requireCanonical(line);
            } catch (JcsException e) {
                throw new Failed(VerificationFailure.atLine(BundleLayout.EVENTS, lineNumber, "not an RFC 8785 (JCS) canonical JSON line: "
                        + e.getMessage()));
            }
            JsonNode index = event.get("index");
            if (!event.isObject() || index == null || !index.isIntegralNumber() || !index.canConvertToLong() || index.longValue() < 0) {
                throw new Failed(VerificationFailure.atLine(BundleLayout.EVENTS, lineNumber, "an event must be an object with a non-negative integer index"));
            }
            JsonNode version = event.get("v");
            if (version == null || !version.isIntegralNumber() || version.longValue() != 1) {
                throw new Failed(VerificationFailure.atEvent(BundleLayout.EVENTS, lineNumber, index.longValue(),
                        "format version v is " + version + ", expected 1"));
            }
            times.add(index.longValue(), time(event, lineNumber, index.longValue()), event);
            for (BlobReference reference : BlobReference.findIn(event.get("detail"))) {
                blobUses.putIfAbsent(reference.sha256Hex(), new BlobUse(lineNumber, index.longValue(), reference.size()));
            }
            return index.longValue();
        }

        /** The event's time: every event of the log states one, the instant it was logged. */
        private static Instant time(JsonNode event, long lineNumber, long index) throws Failed {
            JsonNode time = event.get("time");
            try {
                if (time != null && time.isTextual()) {
                    return Instant.parse(time.textValue());
                }
            } catch (DateTimeParseException e) {
                // named below
            }
            throw new Failed(VerificationFailure.atEvent(BundleLayout.EVENTS, lineNumber, index, "states no time (an instant such as"
                    + " 2026-12-05T09:00:00.000000Z), and every event of the log has one: " + (time == null ? "none" : time.toString())));
        }

        private void checkInclusion(long index, long lineNumber, byte[] leafHash, byte[] proofBytes) throws Failed {
            if (proofBytes == null) {
                throw new Failed(VerificationFailure.atEvent(BundleLayout.PROOFS, lineNumber, index,
                        "missing: proofs.jsonl ends before events.jsonl"));
            }
            ProofLine proof;
            try {
                proof = ProofLine.parse(proofBytes);
            } catch (JcsException | IllegalArgumentException e) {
                throw new Failed(VerificationFailure.atEvent(BundleLayout.PROOFS, lineNumber, index, "not a valid proof line: " + e.getMessage()));
            }
            if (proof.index() != index) {
                throw new Failed(VerificationFailure.atEvent(BundleLayout.PROOFS, lineNumber, index, "proves index " + proof.index()
                        + ", but events.jsonl line " + lineNumber + " is index " + index));
            }
            if (proof.treeSize() != checkpoint.size()) {
                throw new Failed(VerificationFailure.atEvent(BundleLayout.PROOFS, lineNumber, index, "proof is for tree size "
                        + proof.treeSize() + ", the checkpoint is at " + checkpoint.size()));
            }
            try {
                inclusion.verify(index, leafHash, proof.hashes());
            } catch (ProofException e) {
                throw new Failed(VerificationFailure.atEvent(BundleLayout.EVENTS, lineNumber, index,
                        "the event is not proven to be in the checkpoint's tree (the event or proofs.jsonl line " + lineNumber
                                + " was altered): " + e.getMessage()));
            }
        }

        private void checkRecomputedRoot(CompactRange recomputed) throws Failed {
            if (recomputed.size() != checkpoint.size()) {
                throw new Failed(VerificationFailure.of(BundleLayout.EVENTS, "a full export must hold all " + checkpoint.size()
                        + " events of the checkpoint, found " + recomputed.size()));
            }
            if (!Arrays.equals(recomputed.root(), checkpoint.rootHash())) {
                throw new Failed(VerificationFailure.of(BundleLayout.EVENTS, "the recomputed root "
                        + HexFormat.of().formatHex(recomputed.root()) + " differs from the checkpoint root "
                        + HexFormat.of().formatHex(checkpoint.rootHash()) + ": an event was altered (add proofs.jsonl to locate it)"));
            }
        }

        private byte[] next(LineReader reader, String file) throws Failed, IOException {
            byte[] line;
            try {
                line = reader.next();
            } catch (IOException e) {
                throw new Failed(VerificationFailure.atLine(file, reader.lineNumber() + 1, e.getMessage()));
            }
            if (line != null && reader.lastLineUnterminated()) {
                throw new Failed(VerificationFailure.atLine(file, reader.lineNumber(), "last line has no newline (truncated file?)"));
            }
            return line;
        }

        // --- step 4: blobs

        private void checkBlobs() throws Failed {
            for (String path : listed.keySet()) {
                if (!path.startsWith(BundleLayout.BLOB_DIRECTORY)) {
                    continue;
                }
                String name = path.substring(BundleLayout.BLOB_DIRECTORY.length());
                if (!BundleLayout.SHA256_HEX.matcher(name).matches()) {
                    throw new Failed(VerificationFailure.of(path, "blob names must be the 64-hex SHA-256 of their content"));
                }
                BlobUse use = blobUses.get(name);
                String actual = computed.get(path);
                if (!actual.equals(name)) {
                    String by = use == null ? "" : " (referenced by events.jsonl line " + use.line() + ", event index " + use.index() + ")";
                    throw new Failed(VerificationFailure.of(path, "content hashes to " + actual + ", not to its name" + by));
                }
                long size = source.files().get(path);
                if (use != null && size >= 0 && use.size() != size) {
                    throw new Failed(VerificationFailure.atEvent(BundleLayout.EVENTS, use.line(), use.index(), "references blob " + name
                            + " with size " + use.size() + ", but the blob has " + size + " bytes"));
                }
                blobsChecked++;
            }
            blobsAbsent = blobUses.keySet().stream().filter(hex -> !listed.containsKey(BundleLayout.blobPath(hex))).count();
            results.add("blobs: " + blobsChecked + " present and matching their hash, " + blobsAbsent
                    + " referenced blob(s) not in the bundle (allowed: deleted at the end of retention)");
        }

        // --- step 5: consistency

        private void checkConsistency() throws Failed, IOException {
            if (!listed.containsKey(BundleLayout.CONSISTENCY)) {
                return;
            }
            MessageDigest digest = MerkleHashes.newSha256();
            try (InputStream in = new DigestInputStream(source.open(BundleLayout.CONSISTENCY), digest)) {
                LineReader reader = new LineReader(in, MAX_LINE);
                for (byte[] line; (line = next(reader, BundleLayout.CONSISTENCY)) != null; ) {
                    checkConsistencyLine(line, reader.lineNumber());
                    consistencyChecked++;
                }
                drain(in);
            }
            requireListedHash(BundleLayout.CONSISTENCY, HexFormat.of().formatHex(digest.digest()));
            results.add("consistency: " + consistencyChecked + " earlier checkpoint(s) proven to be prefixes of this one");
        }

        private void checkConsistencyLine(byte[] bytes, long lineNumber) throws Failed {
            try {
                ConsistencyLine line = ConsistencyLine.parse(bytes);
                Checkpoint old = SignedNote.verify(line.oldCheckpoint(), signingKey);
                if (!old.origin().equals(checkpoint.origin())) {
                    throw new Failed(VerificationFailure.atLine(BundleLayout.CONSISTENCY, lineNumber, "earlier checkpoint is for origin "
                            + old.origin() + ", not " + checkpoint.origin()));
                }
                if (line.treeSize() != checkpoint.size()) {
                    throw new Failed(VerificationFailure.atLine(BundleLayout.CONSISTENCY, lineNumber, "proof is to tree size "
                            + line.treeSize() + ", the checkpoint is at " + checkpoint.size()));
                }
                requireTreeRoot(old, reason -> VerificationFailure.atLine(BundleLayout.CONSISTENCY, lineNumber, reason));
                if (old.size() > checkpoint.size()) {
                    throw new Failed(VerificationFailure.atLine(BundleLayout.CONSISTENCY, lineNumber, "the earlier checkpoint of "
                            + old.size() + " events is larger than this log's " + checkpoint.size() + ": no prefix of it"));
                }
                try {
                    ConsistencyProof.verify(old.size(), checkpoint.size(), old.rootHash(), checkpoint.rootHash(), line.hashes());
                } catch (ProofException e) {
                    throw new Failed(VerificationFailure.atLine(BundleLayout.CONSISTENCY, lineNumber, "the earlier checkpoint of "
                            + old.size() + " events is not proven a prefix of this one (the line was altered, or the log rewritten): "
                            + e.getMessage()));
                }
                provenPrefixes.put(old.size(), old.rootHash());
            } catch (JcsException | NoteException | IllegalArgumentException e) {
                throw new Failed(VerificationFailure.atLine(BundleLayout.CONSISTENCY, lineNumber, e.getMessage()));
            }
        }

        // --- step 6: the auditor's own earlier checkpoint

        private void checkEarlierCheckpoint() throws Failed {
            if (earlierNote.isEmpty()) {
                return;
            }
            String given = "the earlier checkpoint given";
            Checkpoint earlier;
            try {
                earlier = SignedNote.verify(earlierNote.get(), signingKey);
            } catch (NoteException e) {
                throw new Failed(VerificationFailure.of(given, "does not verify with the log key: " + e.getMessage()));
            }
            if (!earlier.origin().equals(checkpoint.origin())) {
                throw new Failed(VerificationFailure.of(given, "is for origin " + earlier.origin() + ", not " + checkpoint.origin()));
            }
            requireTreeRoot(earlier, reason -> VerificationFailure.of(given, reason));
            if (earlier.size() > checkpoint.size()) {
                throw new Failed(VerificationFailure.of(BundleLayout.CHECKPOINT, "covers " + checkpoint.size()
                        + " events, fewer than the " + earlier.size() + " of " + given + ": the log was truncated, or this bundle is older"));
            }
            // The empty tree is a prefix of every tree, and its root was checked above: it needs no proof.
            byte[] proven = earlier.size() == 0 ? MerkleHashes.emptyRoot()
                    : earlier.size() == checkpoint.size() ? checkpoint.rootHash() : provenPrefixes.get(earlier.size());
            if (proven == null) {
                throw new Failed(VerificationFailure.of(BundleLayout.CONSISTENCY, "proves nothing about " + given + " (tree size "
                        + earlier.size() + "); export again with --since-checkpoint"));
            }
            if (!Arrays.equals(proven, earlier.rootHash())) {
                throw new Failed(VerificationFailure.of(BundleLayout.CONSISTENCY, given + " (tree size " + earlier.size()
                        + ") has another root than this log at that size: the log was rewritten since"));
            }
            results.add("earlier checkpoint: tree size " + earlier.size() + " is a prefix of this one; the log only grew since");
        }

        // --- step 9: as current as the auditor requires (the time the export signed is in the summary either way)

        private void checkFreshness() throws Failed {
            if (checkpoint.size() < freshness.minTreeSize()) {
                throw new Failed(VerificationFailure.of(BundleLayout.CHECKPOINT, "covers " + checkpoint.size() + " events, fewer than the "
                        + freshness.minTreeSize() + " required (--min-size): the log was truncated, or this bundle is older"));
            }
            if (freshness.notBefore().isEmpty()) {
                if (freshness.minTreeSize() > 0) {
                    results.add("freshness: at least the " + freshness.minTreeSize() + " events required");
                }
                return;
            }
            Instant required = freshness.notBefore().get();
            if (checkpointAt.isEmpty()) {
                throw new Failed(VerificationFailure.of(BundleLayout.MANIFEST_SIGNATURE, "states no time its checkpoint was signed"
                        + " (a bundle exported before bundles stated it), so it cannot be shown to be of the log as of "
                        + required + " (--not-before); export it again"));
            }
            if (checkpointAt.get().isBefore(required)) {
                throw new Failed(VerificationFailure.of(BundleLayout.MANIFEST_SIGNATURE, "the export signed its checkpoint at "
                        + checkpointAt.get() + ", before " + required + " (--not-before): an older bundle than required; the"
                        + " log may hold events since that this bundle does not show; ask for a new export"));
            }
            results.add("freshness: " + (freshness.minTreeSize() > 0 ? "at least " + freshness.minTreeSize() + " events, " : "")
                    + "checkpoint signed at " + checkpointAt.get() + ", not before " + required);
        }

        // --- reading

        private byte[] readSmall(String path, int limit) throws Failed {
            try (InputStream in = source.open(path)) {
                byte[] bytes = in.readNBytes(limit + 1);
                if (bytes.length > limit) {
                    throw new Failed(VerificationFailure.of(path, "larger than " + limit + " bytes"));
                }
                return bytes;
            } catch (IOException e) {
                throw new Failed(VerificationFailure.of(path, "cannot read: " + e.getMessage()));
            }
        }

        private String hashFile(String path) throws Failed {
            try (InputStream in = source.open(path)) {
                return Sha256.hex(in);
            } catch (IOException e) {
                throw new Failed(VerificationFailure.of(path, "cannot read: " + e.getMessage()));
            }
        }

        private static void drain(InputStream in) throws IOException {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
