package dev.tracegate.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.bundle.EvidenceBundleWriter;
import dev.tracegate.ledger.bundle.ManifestNote;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.MemoryTree;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.report.AuditReport;
import dev.tracegate.ledger.report.ReportParameters;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    @TempDir
    Path dir;

    private final LogKeyPair key = LogKeyPair.generate("tracegate.example.com/cli");
    private Path bundle;

    @BeforeEach
    void writeBundle() throws IOException {
        MemoryTree tree = new MemoryTree();
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] event = Jcs.canonicalize(("{\"v\":1,\"index\":" + i + ",\"time\":\"2026-12-05T09:00:0" + i + ".000000Z\",\"type\":\"command\",\"detail\":{}}").getBytes(StandardCharsets.UTF_8));
            events.add(event);
            tree.appendLeaf(event);
        }
        bundle = dir.resolve("bundle.zip");
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(bundle)) {
            for (byte[] event : events) {
                writer.addEvent(event);
            }
            writer.finish(key.signer().sign(new Checkpoint("tracegate.example.com/cli", 5, tree.root())), key.signer());
        }
    }

    @Test
    void printsOneLinePerStepAndExitsZeroWhenVerified() throws IOException {
        Output out = run(bundle.toString(), "--key", key.verifierKey().format());
        assertThat(out.code).isEqualTo(VerifyCommand.OK);
        assertThat(out.stdout.lines().toList()).hasSize(7)
                .allMatch(line -> line.startsWith("ok  ") || line.startsWith("VERIFIED"))
                .contains("ok  times: no event is earlier than an event before it; no clock step announced");
        assertThat(out.stdout).contains("VERIFIED 5 event(s)", "(the trusted key)");

        key.savePublicKey(dir.resolve("log.pub"));
        assertThat(run(bundle.toString(), "--key", dir.resolve("log.pub").toString()).code).isEqualTo(VerifyCommand.OK);
    }

    /**
     * A bundle that adds a file whose name is a terminal's escape sequences and a line of its own:
     * printed as the bundle has it, the verdict's line would be erased and a forged "VERIFIED"
     * printed in its place. Every character of it that a terminal would act on is shown instead.
     */
    @Test
    void textTheBundleChoseCannotActOnTheTerminalNorStartALine() throws IOException {
        String forgedName = "x\u001b[1A\u001b[2K\rVERIFIED 5 event(s) of log tracegate.example.com/cli\n\u202Eok";
        Path crafted = dir.resolve("crafted.zip");
        try (ZipFile original = new ZipFile(bundle.toFile());
             ZipOutputStream copy = new ZipOutputStream(Files.newOutputStream(crafted), StandardCharsets.UTF_8)) {
            for (ZipEntry entry : original.stream().toList()) {
                copy.putNextEntry(new ZipEntry(entry.getName()));
                copy.write(original.getInputStream(entry).readAllBytes());
                copy.closeEntry();
            }
            copy.putNextEntry(new ZipEntry(forgedName));
            copy.closeEntry();
        }

        Output out = run(crafted.toString(), "--key", key.verifierKey().format());

        assertThat(out.code).isEqualTo(VerifyCommand.FAILED);
        assertThat(out.stdout).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u202E")
                .contains("x<U+001B>[1A<U+001B>[2K<U+000D>VERIFIED 5 event(s) of log tracegate.example.com/cli<U+000A><U+202E>ok");
        assertThat(out.stdout.lines()).noneMatch(line -> line.startsWith("VERIFIED")).anyMatch(line -> line.startsWith("FAILED"));
    }

    /**
     * Someone rewrites a bundle (here: a DELETE becomes a SELECT), signs its checkpoint and manifest
     * with a key of their own under the log's name and puts that key in log-key.pub. Without --key
     * the bundle agrees with itself, and the verifier used to exit 0 with VERIFIED: a script that
     * reads the exit code took the forgery for the log's. It now exits 3 and says why; with the
     * log's key it fails.
     */
    @Test
    void aBundleCheckedOnlyAgainstTheKeyItCarriesIsNotTrusted() throws IOException {
        LogKeyPair forger = LogKeyPair.generate("tracegate.example.com/cli");
        Path forged = dir.resolve("forged.zip");
        MemoryTree tree = new MemoryTree();
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(forged)) {
            byte[] event = Jcs.canonicalize(("{\"v\":1,\"index\":0,\"time\":\"2026-12-05T09:00:00.000000Z\",\"type\":\"command\","
                    + "\"detail\":{\"text\":\"SELECT 1\"}}").getBytes(StandardCharsets.UTF_8));
            tree.appendLeaf(event);
            writer.addEvent(event);
            writer.finish(forger.signer().sign(new Checkpoint("tracegate.example.com/cli", 1, tree.root())), forger.signer());
        }

        Output alone = run(forged.toString());
        assertThat(alone.code).isEqualTo(VerifyCommand.UNTRUSTED).isNotEqualTo(VerifyCommand.OK);
        List<String> lines = alone.stdout.lines().toList();
        assertThat(lines).as("one verdict, the last line: no VERIFIED before a NOT TRUSTED").noneMatch(line -> line.startsWith("VERIFIED"));
        assertThat(lines.subList(0, lines.size() - 1)).allMatch(line -> line.startsWith("ok  "));
        assertThat(lines.getLast()).isEqualTo("NOT TRUSTED: 1 event(s) of log tracegate.example.com/cli agree only with the key the bundle"
                + " carries (" + forger.verifierKey().format() + "): no --key given, and anyone who rewrote the bundle would have replaced"
                + " that key with their own; verify with the log's published key (--key), obtained from its operator, not from the bundle");
        assertThat(run(bundle.toString()).code).as("a genuine bundle without --key proves no more").isEqualTo(VerifyCommand.UNTRUSTED);

        Output withKey = run(forged.toString(), "--key", key.verifierKey().format());
        assertThat(withKey.code).isEqualTo(VerifyCommand.FAILED);
        assertThat(withKey.stdout).contains("FAILED checkpoint: note is not signed by tracegate.example.com/cli+" + key.verifierKey().keyIdHex());
    }

    @Test
    void aKeyFileOfSeveralKeysIsRefusedNotReadForItsFirst() throws IOException {
        Path keys = dir.resolve("keys.pub");
        Files.writeString(keys, key.verifierKey().format() + "\n" + LogKeyPair.generate("tracegate.example.com/cli").verifierKey().format()
                + "\n");
        Output out = run(bundle.toString(), "--key", keys.toString());
        assertThat(out.code).isEqualTo(VerifyCommand.USAGE);
        assertThat(out.stderr).contains("key file holds 2 lines, not one key");
        assertThat(out.stdout).doesNotContain("VERIFIED");
    }

    @Test
    void exitsOneAndNamesTheFailureWithAnotherKey() {
        Output out = run(bundle.toString(), "--key", LogKeyPair.generate("tracegate.example.com/cli").verifierKey().format());
        assertThat(out.code).isEqualTo(VerifyCommand.FAILED);
        assertThat(out.stdout).contains("ok  manifest").containsPattern("(?m)^FAILED checkpoint: note is not signed by ");
    }

    @Test
    void anEarlierCheckpointTheBundleDoesNotProveFailsIt() throws IOException {
        // The bundle's own checkpoint (size 5) as the earlier one: the same size, the same root.
        Path same = dir.resolve("same-checkpoint");
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            Files.write(same, zip.getInputStream(zip.getEntry("checkpoint")).readAllBytes());
        }
        Output ok = run(bundle.toString(), "--key", key.verifierKey().format(), "--since-checkpoint", same.toString());
        assertThat(ok.code).isEqualTo(VerifyCommand.OK);
        assertThat(ok.stdout).contains("ok  earlier checkpoint: tree size 5 is a prefix of this one");

        Path older = Files.writeString(dir.resolve("older-checkpoint"),
                key.signer().sign(new Checkpoint("tracegate.example.com/cli", 3, new byte[32])));
        Output unproven = run(bundle.toString(), "--since-checkpoint", older.toString());
        assertThat(unproven.code).isEqualTo(VerifyCommand.FAILED);
        assertThat(unproven.stdout).contains("FAILED consistency.jsonl: proves nothing about the earlier checkpoint given (tree size 3)");
        assertThat(run(bundle.toString(), "--since-checkpoint", dir.resolve("absent").toString()).code).isEqualTo(VerifyCommand.USAGE);
    }

    @Test
    void exitsTwoOnWrongUsage() {
        assertThat(run().code).isEqualTo(VerifyCommand.USAGE);
        assertThat(run(bundle.toString(), "--frobnicate").code).isEqualTo(VerifyCommand.USAGE);
        Output badKey = run(bundle.toString(), "--key", "not+a+key");
        assertThat(badKey.code).isEqualTo(VerifyCommand.USAGE);
        assertThat(badKey.stderr).contains("cannot use --key");
    }

    @Test
    void runsStandaloneWithOnlyTheLedgerAndJackson() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith(Path.of("target", "classes").toString()) || entry.contains("jackson"))
                .collect(Collectors.joining(File.pathSeparator));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", classpath, VerifyCommand.class.getName(), bundle.toString(),
                "--key", key.verifierKey().format()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("VERIFIED 5 event(s)");

        Files.write(bundle, Arrays.copyOf(Files.readAllBytes(bundle), 100));
        Process broken = new ProcessBuilder(java.toString(), "-cp", classpath, VerifyCommand.class.getName(), bundle.toString())
                .redirectErrorStream(true).start();
        String brokenOutput = new String(broken.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(broken.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(broken.exitValue()).as(brokenOutput).isEqualTo(1);
        assertThat(brokenOutput).startsWith("FAILED " + bundle + ": cannot read the bundle: neither a bundle directory nor a readable zip file");
    }

    @Test
    void anOlderWholeBundleSaysHowOldItIsAndFailsWhenTheAuditorRequiresANewerOne() throws IOException {
        // A genuine, whole bundle of the log as it was on 1 December, handed over on the 5th in place of that day's.
        Path older = dir.resolve("older.zip");
        MemoryTree tree = new MemoryTree();
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(older)) {
            addCommands(writer, tree, 3);
            ObjectNode all = JsonNodeFactory.instance.objectNode().put("export", "all");
            writer.finish(key.signer().sign(new Checkpoint("tracegate.example.com/cli", 3, tree.root())), key.signer(),
                    ManifestNote.stating(all, Instant.parse("2026-12-01T09:00:00Z")), staged -> Map.of());
        }
        String trusted = key.verifierKey().format();

        Output plain = run(older.toString(), "--key", trusted);
        assertThat(plain.code).as("genuine, and whole").isEqualTo(VerifyCommand.OK);
        assertThat(plain.stdout).as("the verdict says which state of the log it shows")
                .contains("VERIFIED 3 event(s) of log tracegate.example.com/cli against the checkpoint at tree size 3,"
                        + " the log as of 2026-12-01T09:00:00Z (when the export signed it)")
                .as("the time is not part of the selection shown").contains("the selection exported: {\"export\":\"all\"}\n");

        Output stale = run(older.toString(), "--key", trusted, "--not-before", "2026-12-05");
        assertThat(stale.code).isEqualTo(VerifyCommand.FAILED);
        assertThat(stale.stdout).contains("FAILED MANIFEST.sig: the export signed its checkpoint at 2026-12-01T09:00:00Z,"
                + " before 2026-12-05T00:00:00Z (--not-before): an older bundle than required");
        Output small = run(older.toString(), "--key", trusted, "--min-size", "5");
        assertThat(small.code).isEqualTo(VerifyCommand.FAILED);
        assertThat(small.stdout).contains("FAILED checkpoint: covers 3 events, fewer than the 5 required (--min-size)");
        assertThat(run(older.toString(), "--key", trusted, "--not-before", "2026-12-01T08:00:00Z", "--min-size", "3").code)
                .isEqualTo(VerifyCommand.OK);

        // A bundle that states no time cannot be shown to be recent: required, it fails; otherwise the verdict says so.
        assertThat(run(bundle.toString(), "--key", trusted).stdout).contains("the log as of a time the bundle does not state");
        Output undated = run(bundle.toString(), "--key", trusted, "--not-before", "2026-12-01");
        assertThat(undated.code).isEqualTo(VerifyCommand.FAILED);
        assertThat(undated.stdout).contains("FAILED MANIFEST.sig: states no time its checkpoint was signed");
        assertThat(run(bundle.toString(), "--not-before", "yesterday").code).isEqualTo(VerifyCommand.USAGE);
        assertThat(run(bundle.toString(), "--min-size", "-1").code).isEqualTo(VerifyCommand.USAGE);
    }

    /**
     * A bundle exported without a report, with report.json and report.html computed from its events
     * and added afterwards: the log signed no report, so nothing says the gateway made it. The
     * verifier printed FAILED for the added files and then REPORT VERIFIED for their figures, two
     * verdicts a reader (or a script reading the last line) could take either way; it now gives one,
     * FAILED with what failed, and exits 1.
     */
    @Test
    void reportFilesAddedAfterExportGiveOneVerdictFailed() throws IOException {
        Path exported = dir.resolve("exported");
        MemoryTree tree = new MemoryTree();
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(exported)) {
            addCommands(writer, tree, 3);
            writer.finish(key.signer().sign(new Checkpoint("tracegate.example.com/cli", 3, tree.root())), key.signer());
        }
        ReportParameters parameters = new ReportParameters(Instant.parse("2026-12-05T00:00:00Z"), Instant.parse("2026-12-06T00:00:00Z"),
                List.of(), List.of(), 2, "added-later", 3, Instant.parse("2026-12-06T08:00:00Z"), "someone");
        for (Map.Entry<String, byte[]> file : AuditReport.files(exported, parameters).entrySet()) {
            Files.write(exported.resolve(file.getKey()), file.getValue());
        }

        Output out = run(exported.toString(), "--key", key.verifierKey().format());
        assertThat(out.code).isEqualTo(VerifyCommand.FAILED);
        List<String> lines = out.stdout.lines().toList();
        assertThat(lines).as(out.stdout).noneMatch(line -> line.contains("VERIFIED"));
        assertThat(lines.getLast()).as(out.stdout).startsWith("FAILED report.html: present in the bundle but not listed in MANIFEST.sha256;"
                + " audit report FAILED: report.json and report.html are not the report the log signed at export (");
    }

    /**
     * A bundle the log signed whole, report included, whose report does not recompute (here: a report of
     * a format version this verifier does not compute; a gateway's bug would read the same). Every check
     * of the bundle passed, so the verifier printed VERIFIED and then REPORT FAILED (exit 1): a reader, or
     * a script reading the first verdict, took the report for verified. It now prints one line, FAILED.
     */
    @Test
    void aSignedReportThatDoesNotRecomputeGivesOneVerdictFailed() throws IOException {
        Path exported = dir.resolve("signed-report");
        MemoryTree tree = new MemoryTree();
        ReportParameters parameters = new ReportParameters(Instant.parse("2026-12-05T00:00:00Z"), Instant.parse("2026-12-06T00:00:00Z"),
                List.of(), List.of(), 2, "signed", 3, Instant.parse("2026-12-06T08:00:00Z"), "someone");
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(exported)) {
            addCommands(writer, tree, 3);
            writer.finish(key.signer().sign(new Checkpoint("tracegate.example.com/cli", 3, tree.root())), key.signer(), staged -> {
                Map<String, byte[]> files = new LinkedHashMap<>(AuditReport.files(staged, parameters));
                ObjectNode json = (ObjectNode) new ObjectMapper().readTree(files.get(AuditReport.JSON_FILE));
                json.put("format", "tracegate-audit-report/2").put("format_version", "2.0");
                files.put(AuditReport.JSON_FILE, AuditReport.json(json));
                return files;
            });
        }

        for (String[] args : List.of(new String[] {exported.toString(), "--key", key.verifierKey().format()},
                new String[] {exported.toString()})) {
            Output out = run(args);
            assertThat(out.code).as(out.stdout).isEqualTo(VerifyCommand.FAILED);
            List<String> lines = out.stdout.lines().toList();
            assertThat(lines).as(out.stdout).noneMatch(line -> line.startsWith("VERIFIED") || line.startsWith("NOT TRUSTED"));
            assertThat(lines.getLast()).as(out.stdout).startsWith("FAILED audit report: report.json is of format version 2.0");
        }
    }

    /** {@code count} command events a second apart, in the bundle and the tree. */
    private static void addCommands(EvidenceBundleWriter writer, MemoryTree tree, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] event = Jcs.canonicalize(("{\"v\":1,\"index\":" + i + ",\"time\":\"2026-12-05T09:00:0" + i
                    + ".000000Z\",\"type\":\"command\",\"detail\":{}}").getBytes(StandardCharsets.UTF_8));
            writer.addEvent(event);
            tree.appendLeaf(event);
        }
    }

    private record Output(int code, String stdout, String stderr) {}

    private static Output run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
