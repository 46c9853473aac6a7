package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's leaf log on real files: what a crash leaves (a torn final record, offsets
 * cut short) is repaired when it opens, what someone changed is not, and every event reads back
 * exactly as it was appended, by index and in order.
 */
class LeafLogTest {

    private static final Identity TESTER = new Identity("tracegate", "tester", "tester", null, List.of(), "human");

    @TempDir
    Path dir;

    @Test
    void eventsReadBackByIndexAndInOrderAcrossReopens() throws Exception {
        List<SealedEvent> written = new ArrayList<>();
        try (LeafLog log = LeafLog.open(dir, false)) {
            written.addAll(append(log, 0, 5));
        }
        try (LeafLog log = LeafLog.open(dir, false)) {
            assertThat(log.size()).isEqualTo(5);
            written.addAll(append(log, 5, 7)); // continues in a new segment
            assertLeaves(log, written);
        }
    }

    @Test
    void aFullDiskFailsTheAppendAndTheLogKeepsWhatItConfirmed() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "needs /dev/full (Linux): every write to it fails with ENOSPC");
        List<SealedEvent> written;
        try (LeafLog log = LeafLog.open(dir, false)) {
            written = new ArrayList<>(append(log, 0, 3));
        }
        // The segment the log starts next lives on a disk with no space left.
        Files.createSymbolicLink(segment(3), full);
        try (LeafLog log = LeafLog.open(dir, false)) {
            assertThatThrownBy(() -> append(log, 3, 1)).isInstanceOf(IOException.class).hasMessageContaining("No space left");
            assertThat(log.size()).as("an append the disk refused is not part of the log").isEqualTo(3);
            assertLeaves(log, written);
        }
    }

    @Test
    void aTornFinalRecordIsCutOffAndTheLogContinues() throws Exception {
        List<SealedEvent> written;
        try (LeafLog log = LeafLog.open(dir, false)) {
            written = new ArrayList<>(append(log, 0, 3));
        }
        // The gateway died in the middle of writing event 3: a header and part of its leaf.
        try (FileChannel segment = FileChannel.open(segment(0), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            segment.write(ByteBuffer.allocate(20).putLong(3).putInt(400).putLong(42).flip());
        }
        try (LeafLog log = LeafLog.open(dir, false)) {
            assertThat(log.size()).isEqualTo(3);
            written.addAll(append(log, 3, 2));
        }
        try (LeafLog log = LeafLog.open(dir, false)) {
            assertLeaves(log, written);
        }
    }

    @Test
    void offsetsLostInACrashAreRebuiltFromTheSegments() throws Exception {
        List<SealedEvent> written;
        try (LeafLog log = LeafLog.open(dir, false)) {
            written = append(log, 0, 9);
        }
        try (FileChannel offsets = FileChannel.open(dir.resolve("offsets"), StandardOpenOption.WRITE)) {
            offsets.truncate(8 * 4 + 3); // four entries and part of a fifth
        }
        try (LeafLog log = LeafLog.open(dir, false)) {
            assertLeaves(log, written);
        }
    }

    @Test
    void theLatestEventsReadBackBeforeTheirOffsetsAreWrittenAndAKillLosesNone() throws Exception {
        int events = LeafLog.OFFSETS_PER_WRITE * 2 + 7;
        List<SealedEvent> written = new ArrayList<>();
        LeafLog killed = LeafLog.open(dir, false);
        for (int i = 0; i < events; i++) {
            written.addAll(append(killed, i, 1)); // one batch per event, as single commands come
            assertThat(killed.leaf(i)).as("event %d right after its append", i).isEqualTo(written.get(i).leaf());
        }
        assertThat(Files.size(dir.resolve("offsets")))
                .as("positions are written %d at a time, not one system call per batch", LeafLog.OFFSETS_PER_WRITE)
                .isEqualTo(8L * LeafLog.OFFSETS_PER_WRITE * 2);
        assertLeaves(killed, written);
        // Killed: never closed, so the last positions never reached the file. Opening the log completes them.
        try (LeafLog log = LeafLog.open(dir, false)) {
            assertLeaves(log, written);
            written.addAll(append(log, events, 3));
            assertLeaves(log, written);
        }
        assertThat(Files.size(dir.resolve("offsets"))).as("a closed log writes what it held").isEqualTo(8L * (events + 3));
        killed.close();
    }

    @Test
    void aChangedRecordInsideTheLogIsRefusedNotCutOff() throws Exception {
        try (LeafLog log = LeafLog.open(dir, false)) {
            append(log, 0, 6);
        }
        byte[] bytes = Files.readAllBytes(segment(0));
        int at = indexOf(bytes, "event 2".getBytes(StandardCharsets.UTF_8));
        bytes[at + 6] = '7'; // "event 7": same length, CRC left as it was
        Files.write(segment(0), bytes);

        assertThatThrownBy(() -> LeafLog.open(dir, false).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("the evidence log is damaged at event 2");
    }

    @Test
    void subtreesAKillLeftShortOfTheLeavesAreMadeAgainFromTheLog() throws Exception {
        // Each level's file is appended by a write of its own: a kill -9 between level 0's write and level 9's
        // left level 0 with 600 leaf hashes and level 9 without the subtree of the first 512, and the gateway
        // refused to start ("merkle subtree 9/0 is missing"), found by CrashRecoveryTest.
        try (LeafLog log = LeafLog.open(dir, false)) {
            append(log, 0, 600);
            byte[] first512;
            byte[] leaf599;
            try (SubtreeHashFiles files = SubtreeHashFiles.open(dir.resolve("merkle"), log)) {
                first512 = files.hash(9, 0);
                leaf599 = files.hash(0, 599);
            }
            try (FileChannel level9 = FileChannel.open(dir.resolve("merkle/level-09"), StandardOpenOption.WRITE)) {
                level9.truncate(0);
            }
            try (SubtreeHashFiles files = SubtreeHashFiles.open(dir.resolve("merkle"), log)) {
                assertThat(files.size()).isEqualTo(600);
                assertThat(files.hash(9, 0)).isEqualTo(first512);
                assertThat(files.hash(0, 599)).isEqualTo(leaf599);
            }
        }
    }

    private List<SealedEvent> append(LeafLog log, long first, int count) throws IOException {
        List<SealedEvent> events = new ArrayList<>();
        LeafEncoding leaves = new LeafEncoding();
        for (int i = 0; i < count; i++) {
            var detail = EvidenceEvent.newDetail();
            detail.put("note", "event " + (first + i));
            events.add(SealedEvent.seal(first + i,
                    new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, TESTER, null, null, null, detail), leaves));
        }
        log.append(events);
        return events;
    }

    private static void assertLeaves(LeafLog log, List<SealedEvent> expected) throws IOException {
        assertThat(log.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(log.leaf(i)).as("event %d by index", i).isEqualTo(expected.get(i).leaf());
        }
        List<byte[]> scanned = new ArrayList<>();
        log.scan(1, expected.size(), (index, leaf) -> scanned.add(leaf));
        assertThat(scanned).hasSize(expected.size() - 1);
        for (int i = 1; i < expected.size(); i++) {
            assertThat(scanned.get(i - 1)).as("event %d in order", i).isEqualTo(expected.get(i).leaf());
        }
    }

    private Path segment(long first) {
        return dir.resolve(String.format("%020d%s", first, LeafLog.SUFFIX));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
