package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.ledger.bundle.EvidenceBundleWriter;
import dev.tracegate.ledger.bundle.VerificationReport;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.MemoryTree;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracegate evidence verify} without {@code --key}: a bundle whose events someone rewrote and
 * signed with a key of their own, under the log's name, agrees with itself. It used to exit 0 with
 * VERIFIED, so a script reading the exit code took it for the log's; it now exits 3 and says why.
 */
class EvidenceVerifyKeyTest {

    @TempDir
    Path dir;

    @Test
    void aBundleCheckedOnlyAgainstTheKeyItCarriesIsNotTrusted() throws Exception {
        LogKeyPair log = LogKeyPair.generate("tracegate.example.com/prod");
        LogKeyPair forger = LogKeyPair.generate("tracegate.example.com/prod");
        Path forged = dir.resolve("forged.zip");
        MemoryTree tree = new MemoryTree();
        try (EvidenceBundleWriter writer = EvidenceBundleWriter.open(forged)) {
            byte[] event = Jcs.canonicalize(("{\"v\":1,\"index\":0,\"time\":\"2026-12-05T09:00:00.000000Z\",\"type\":\"command\","
                    + "\"detail\":{\"text\":\"SELECT 1\"}}").getBytes(StandardCharsets.UTF_8));
            tree.appendLeaf(event);
            writer.addEvent(event);
            writer.finish(forger.signer().sign(new Checkpoint("tracegate.example.com/prod", 1, tree.root())), forger.signer());
        }

        Run alone = verify(forged.toString());
        assertThat(alone.code()).isEqualTo(VerificationReport.UNTRUSTED_EXIT);
        assertThat(alone.stdout().lines().toList().getLast()).startsWith("NOT TRUSTED: 1 event(s)").contains("no --key given",
                forger.verifierKey().format());
        assertThat(alone.stdout().lines()).as("one verdict: no VERIFIED line before it").noneMatch(line -> line.startsWith("VERIFIED"));

        Run withKey = verify(forged.toString(), "--key", log.verifierKey().format());
        assertThat(withKey.code()).isEqualTo(1);
        assertThat(withKey.stdout()).contains("FAILED checkpoint: note is not signed by tracegate.example.com/prod+"
                + log.verifierKey().keyIdHex());
    }

    private record Run(int code, String stdout) {
    }

    private static Run verify(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 2];
            all[0] = "evidence";
            all[1] = "verify";
            System.arraycopy(args, 0, all, 2, args.length);
            return new Run(Main.run(all), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
