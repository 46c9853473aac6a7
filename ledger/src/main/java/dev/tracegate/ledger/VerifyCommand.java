package dev.tracegate.ledger;

import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.RequiredFreshness;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.VerifierKey;
import dev.tracegate.ledger.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Standalone bundle verifier for auditors:
 * {@code java -cp tracegate-ledger.jar:jackson-*.jar dev.tracegate.ledger.VerifyCommand BUNDLE [--key KEYLINE|FILE]
 * [--since-checkpoint FILE] [--origin ORIGIN] [--min-size N] [--not-before TIME]}. The bundle must be of the log the key is named after, or of
 * {@code --origin} when given (one key may sign several logs). With {@code --since-checkpoint}, the checkpoint of an earlier export
 * (its {@code checkpoint} file) must be proven a prefix of this bundle's: nothing was rewritten
 * or removed in between. With {@code --min-size} and {@code --not-before}, the checkpoint must hold at
 * least so many events and have been signed by the export at or after that time: an older whole
 * bundle of the same log is genuine, and verifies otherwise (the VERIFIED line states both).
 * Prints one line per verification step (and, for a bundle with an audit report, what its recomputation
 * found), then one verdict line ({@link Verdict}): VERIFIED and exit 0 when the bundle (and its report)
 * verify against the key given with {@code --key}, FAILED and 1 when not, NOT TRUSTED and 3 when no key
 * was given and the bundle agrees only with the one it carries (a forger's bundle does that too); 2 on
 * wrong usage.
 */
public final class VerifyCommand {
    static final int OK = Verdict.VERIFIED;
    static final int FAILED = Verdict.FAILED;
    static final int USAGE = 2;
    static final int UNTRUSTED = VerificationReport.UNTRUSTED_EXIT;

    private static final String USAGE_TEXT =
            "usage: VerifyCommand BUNDLE_DIR_OR_ZIP [--key VERIFIER_KEY_LINE|KEY_FILE] [--since-checkpoint EARLIER_CHECKPOINT_FILE]"
                    + " [--origin LOG_ORIGIN] [--min-size EVENTS] [--not-before INSTANT_OR_DATE]";

    private VerifyCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path bundle = null;
        Optional<VerifierKey> key = Optional.empty();
        Optional<String> earlier = Optional.empty();
        Optional<String> origin = Optional.empty();
        long minSize = 0;
        Optional<Instant> notBefore = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--key") && i + 1 < args.length) {
                try {
                    key = Optional.of(readKey(args[++i]));
                } catch (NoteException | IOException e) {
                    err.println("cannot use --key " + args[i] + ": " + e.getMessage());
                    return USAGE;
                }
            } else if (args[i].equals("--since-checkpoint") && i + 1 < args.length) {
                try {
                    earlier = Optional.of(Files.readString(Path.of(args[++i]), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    err.println("cannot read --since-checkpoint " + args[i] + ": " + e.getMessage());
                    return USAGE;
                }
            } else if (args[i].equals("--origin") && i + 1 < args.length) {
                origin = Optional.of(args[++i]);
            } else if (args[i].equals("--min-size") && i + 1 < args.length) {
                try {
                    minSize = Long.parseLong(args[++i]);
                } catch (NumberFormatException e) {
                    minSize = -1;
                }
                if (minSize < 0) {
                    err.println("--min-size " + args[i] + " is not a number of events");
                    return USAGE;
                }
            } else if (args[i].equals("--not-before") && i + 1 < args.length) {
                try {
                    notBefore = Optional.of(RequiredFreshness.time(args[++i]));
                } catch (DateTimeParseException e) {
                    err.println("--not-before " + args[i] + " is neither an instant (2026-12-05T09:00:00Z) nor a date (2026-12-05)");
                    return USAGE;
                }
            } else if (bundle == null && !args[i].startsWith("--")) {
                bundle = Path.of(args[i]);
            } else {
                err.println(USAGE_TEXT);
                return USAGE;
            }
        }
        if (bundle == null) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        VerificationReport report = BundleVerifier.verify(bundle, key, earlier, origin, new RequiredFreshness(minSize, notBefore));
        Verdict verdict = Verdict.of(bundle, report);
        verdict.print(out);
        return verdict.exitCode();
    }

    /**
     * A verifier key line, or a file whose one non-empty line is one. A file of several keys is
     * refused rather than read for its first: which of them the bundle must be signed by is the
     * auditor's to say, and the first of a file another hand wrote need not be the log's.
     */
    private static VerifierKey readKey(String argument) throws NoteException, IOException {
        Path file = Path.of(argument);
        if (!argument.contains("+") || Files.isRegularFile(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new NoteException(NoteException.Reason.MALFORMED, "key file is empty");
            }
            if (lines.size() > 1) {
                throw new NoteException(NoteException.Reason.MALFORMED, "key file holds " + lines.size()
                        + " lines, not one key: give a file, or a line, with the one key of the log the bundle is of");
            }
            return VerifierKey.parse(lines.getFirst());
        }
        return VerifierKey.parse(argument);
    }
}
