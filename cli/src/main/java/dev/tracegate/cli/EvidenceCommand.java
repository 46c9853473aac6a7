package dev.tracegate.cli;

import dev.tracegate.ledger.bundle.BundleVerifier;
import dev.tracegate.ledger.bundle.RequiredFreshness;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.VerifierKey;
import dev.tracegate.ledger.report.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracegate evidence export|verify|report}: bundles for auditors, their offline check, and the audit report. */
@Command(name = "evidence", mixinStandardHelpOptions = true, description = "Export and verify evidence bundles.",
        subcommands = {EvidenceCommand.Export.class, EvidenceCommand.Verify.class, EvidenceReportCommand.class})
final class EvidenceCommand {

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export a signed bundle from a running gateway (admins and auditors).")
    static final class Export implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Option(names = "--out", required = true, description = "a directory to create, or a FILE.zip")
        Path out;

        @Option(names = "--from", description = "events at or after this RFC 3339 time")
        String from;

        @Option(names = "--to", description = "events before this RFC 3339 time")
        String to;

        @Option(names = "--user", description = "events of this subject, e.g. apikey:analyst")
        String user;

        @Option(names = "--connection", description = "events on this connection")
        String connection;

        @Option(names = "--session", description = "events of this session")
        String session;

        @Option(names = "--trace", description = "events of this W3C trace id")
        String trace;

        @Option(names = "--since-checkpoint", paramLabel = "FILE", description = "the checkpoint of a previous export (its"
                + " checkpoint file): the bundle then proves the log only grew since, or the export is refused")
        Path sinceCheckpoint;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(out)) {
                throw new CliException(out + " already exists; choose a new path");
            }
            Map<String, String> query = new LinkedHashMap<>();
            query.put("from", from);
            query.put("to", to);
            query.put("user", user);
            query.put("connection", connection);
            query.put("session", session);
            query.put("trace", trace);
            if (sinceCheckpoint != null) {
                query.put("since_checkpoint", readCheckpoint(sinceCheckpoint));
            }
            System.err.println("exporting ...");
            try (InputStream zip = server.client().download("/api/evidence/export", query)) {
                if (out.getFileName().toString().endsWith(".zip")) {
                    Files.copy(zip, out);
                } else {
                    unzip(zip, out);
                }
            }
            System.out.println("wrote " + out + "; check it with: tracegate evidence verify " + out
                    + (sinceCheckpoint == null ? "" : " --since-checkpoint " + sinceCheckpoint));
            return 0;
        }

        static void unzip(InputStream zip, Path directory) throws IOException {
            Files.createDirectories(directory);
            try (ZipInputStream in = new ZipInputStream(zip)) {
                for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    Path target = directory.resolve(entry.getName()).normalize();
                    if (!target.startsWith(directory)) {
                        throw new CliException("the bundle holds a path outside its directory: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(in, target);
                    }
                }
            }
        }
    }

    /** A signed checkpoint kept from an earlier export: the bundle's {@code checkpoint} file. */
    static String readCheckpoint(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException("no checkpoint file at " + file + " (the checkpoint file of an earlier bundle)");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify a bundle offline: manifest, checkpoint signature, every event and proof, blobs, and every figure"
                    + " of its audit report.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", description = "bundle directory or .zip")
        Path bundle;

        @Option(names = "--key", description = "the log's verifier key line, or a file holding it; without it the bundle"
                + " is checked against its own key, which proves only that it agrees with itself, and the exit code is 3")
        String key;

        @Option(names = "--since-checkpoint", paramLabel = "FILE", description = "the checkpoint of an earlier export you"
                + " kept: the bundle must prove it a prefix of its own (export it with --since-checkpoint)")
        Path sinceCheckpoint;

        @Option(names = "--origin", description = "the log the bundle must be of (evidence.origin); by default the log the"
                + " key is named after, since one key may sign several logs")
        String origin;

        @Option(names = "--min-size", paramLabel = "EVENTS", description = "the checkpoint must hold at least this many"
                + " events: an older bundle of the same log is genuine and verifies otherwise")
        long minSize;

        @Option(names = "--not-before", paramLabel = "TIME", description = "the export must have signed its checkpoint at or"
                + " after this instant (2026-12-05T09:00:00Z) or date (UTC): an older bundle of the same log verifies otherwise")
        String notBefore;

        @Override
        public Integer call() throws IOException {
            if (!Files.exists(bundle)) {
                throw new CliException("no bundle at " + bundle);
            }
            Optional<VerifierKey> trusted = Optional.empty();
            if (key != null) {
                String line = Files.isRegularFile(Path.of(key)) ? Files.readString(Path.of(key), StandardCharsets.UTF_8).strip() : key;
                try {
                    trusted = Optional.of(VerifierKey.parse(line));
                } catch (NoteException e) {
                    throw new CliException("--key is not a verifier key line: " + e.getMessage());
                }
            }
            Optional<String> earlier = sinceCheckpoint == null ? Optional.empty() : Optional.of(readCheckpoint(sinceCheckpoint));
            if (minSize < 0) {
                throw new CliException("--min-size must be a number of events, not " + minSize);
            }
            Optional<Instant> notBeforeTime;
            try {
                notBeforeTime = Optional.ofNullable(notBefore).map(RequiredFreshness::time);
            } catch (DateTimeParseException e) {
                throw new CliException("--not-before " + notBefore + " is neither an instant (2026-12-05T09:00:00Z) nor a date (2026-12-05)");
            }
            VerificationReport report = BundleVerifier.verify(bundle, trusted, earlier, Optional.ofNullable(origin),
                    new RequiredFreshness(minSize, notBeforeTime));
            Verdict verdict = Verdict.of(bundle, report);
            verdict.print(System.out);
            return verdict.exitCode();
        }
    }
}
