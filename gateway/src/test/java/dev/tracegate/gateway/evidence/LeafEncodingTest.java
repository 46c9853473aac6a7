package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.AllocatedBytes;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.MerkleHashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The leaf bytes the log writes are the RFC 8785 form of the leaf object (docs/evidence.md):
 * LeafEncoding assembles them from parts cached per actor and resource, so it must agree with
 * canonicalising {@link EvidenceEvent#toLeaf} byte for byte, for every shape of event, also after
 * its caches have seen the actor, and for values that need escaping.
 */
class LeafEncodingTest {

    private static final Identity ANALYST = new Identity("https://idp.example", "ana\"lyst", "Ana \u00e9\u2028",
            "ana@example.com", List.of("z-team", "a-team", "\u00fcber"), "human");
    private static final Identity BARE = new Identity("tracegate", "bare", null, null, null, null);

    @Test
    void writesTheCanonicalFormOfEveryShapeOfEvent() {
        LeafEncoding encoding = new LeafEncoding();
        for (EvidenceEvent event : events()) {
            for (long index : new long[] {0, 7, 9_007_199_254_740_992L}) {
                String expected = new String(Jcs.canonicalize(event.toLeaf(index)), StandardCharsets.UTF_8);
                // Twice: the second time the actor and the resource come from the caches.
                assertThat(new String(encoding.encode(index, event), StandardCharsets.UTF_8)).isEqualTo(expected);
                assertThat(new String(encoding.encode(index, event), StandardCharsets.UTF_8)).isEqualTo(expected);
            }
        }
    }

    /**
     * An event whose detail is canonical text (a statement's result) has the leaf bytes of the
     * same event with the detail as a tree, and its tree, parsed from the text, is that detail.
     */
    @Test
    void aDetailWrittenAsCanonicalTextGivesTheSameLeafAsItsTree() {
        LeafEncoding encoding = new LeafEncoding();
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("seq", 9_007_199_254_740_992L).put("status", "ok \"\u00e9\ud83d\ude00\n").putNull("none");
        detail.putArray("tags").add("SELECT 1").addNull().add("\u2028");
        detail.putObject("data").put("size", 0).put("truncated", false).put("blob", "sha256:ab");
        String canonical = Jcs.canonicalString(detail);
        EvidenceEvent.Resource resource = new EvidenceEvent.Resource("app", "postgres", "db:5432");
        EvidenceEvent asTree = new EvidenceEvent(Instant.EPOCH, EventType.COMMAND_RESULT, ANALYST, "s", "0af7", resource,
                detail);
        EvidenceEvent asText = new EvidenceEvent(Instant.EPOCH, EventType.COMMAND_RESULT, ANALYST, "s", "0af7", resource,
                null, CanonicalDetail.of(canonical));
        // As the detail writers hand it over: their builder, taken as it is.
        EvidenceEvent asBuilder = new EvidenceEvent(Instant.EPOCH, EventType.COMMAND_RESULT, ANALYST, "s", "0af7",
                resource, null, CanonicalDetail.of(new StringBuilder(canonical)));
        for (long index : new long[] {0, 12, 9_007_199_254_740_992L}) {
            byte[] expected = Jcs.canonicalize(asTree.toLeaf(index));
            assertThat(encoding.encode(index, asText)).isEqualTo(expected);
            assertThat(encoding.encode(index, asBuilder)).isEqualTo(expected);
            assertThat(encoding.encode(index, asTree)).isEqualTo(expected);
            assertThat(Jcs.canonicalize(asText.toLeaf(index))).isEqualTo(expected);
        }
        assertThat(Jcs.canonicalString(asText.detail())).isEqualTo(canonical);
        assertThat(Jcs.canonicalString(asBuilder.detail())).isEqualTo(canonical);
    }

    @Test
    void anActorThatDiffersInOneFieldIsNotTakenFromTheCache() {
        LeafEncoding encoding = new LeafEncoding();
        Identity other = new Identity(ANALYST.issuer(), ANALYST.subject(), ANALYST.name(), ANALYST.email(),
                List.of("a-team"), ANALYST.kind());
        EvidenceEvent first = new EvidenceEvent(Instant.EPOCH, EventType.COMMAND, ANALYST, "s", null, null, null);
        EvidenceEvent second = new EvidenceEvent(Instant.EPOCH, EventType.COMMAND, other, "s", null, null, null);
        encoding.encode(1, first);
        assertThat(encoding.encode(2, second)).isEqualTo(Jcs.canonicalize(second.toLeaf(2)));
    }

    /**
     * The encoding keeps its buffers from one leaf to the next: a leaf far larger than the buffers
     * (which then start small again), and the short leaves around it, must each come out whole,
     * with nothing of the leaf before it, in every width of UTF-8.
     */
    @Test
    void aLeafNeverCarriesBytesOfTheOneBeforeIt() {
        LeafEncoding encoding = new LeafEncoding();
        String large = "\u00e9\u20ac\ud83d\ude00x".repeat(40_000);
        List<EvidenceEvent> sequence = new ArrayList<>();
        for (String text : List.of("short", large, "", "\u00e9", large + large, "a")) {
            ObjectNode detail = EvidenceEvent.newDetail().put("text", text);
            sequence.add(new EvidenceEvent(Instant.EPOCH, EventType.COMMAND, ANALYST, "s", null, null, detail));
        }
        long index = 0;
        for (EvidenceEvent event : sequence) {
            index++;
            assertThat(encoding.encode(index, event)).isEqualTo(Jcs.canonicalize(event.toLeaf(index)));
        }
    }

    /**
     * The embedded log's way: each leaf written into the log's batch from the encoder's own buffer.
     * The batch must hold, record by record, the index, the length, exactly the bytes the leaf
     * encoding gives and their CRC, and the hash returned must be the leaf hash of those bytes,
     * also around a leaf far larger than the kept buffers.
     */
    @Test
    void aLeafWrittenIntoTheLogsBatchIsTheSameBytesAndHashedOverThem() {
        LeafEncoding encoding = new LeafEncoding();
        LeafEncoding reference = new LeafEncoding();
        List<EvidenceEvent> sequence = new ArrayList<>(events());
        sequence.add(new EvidenceEvent(Instant.EPOCH, EventType.COMMAND, ANALYST, "s", null, null,
                EvidenceEvent.newDetail().put("text", "\u00e9\u20ac\ud83d\ude00x".repeat(40_000))));
        sequence.addAll(events());
        LeafBatch batch = new LeafBatch(64).startingAt(5);
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < sequence.size(); i++) {
            hashes.add(encoding.encodeInto(5 + i, sequence.get(i), batch));
        }

        ByteBuffer records = batch.records();
        assertThat(batch.count()).isEqualTo(sequence.size());
        for (int i = 0; i < sequence.size(); i++) {
            byte[] expected = reference.encode(5 + i, sequence.get(i));
            assertThat(records.position()).isEqualTo(batch.start(i));
            assertThat(records.getLong()).isEqualTo(5 + i);
            byte[] leaf = new byte[records.getInt()];
            records.get(leaf);
            assertThat(leaf).isEqualTo(expected);
            CRC32C crc = new CRC32C();
            crc.update(records.array(), batch.start(i), 12 + leaf.length);
            assertThat(records.getInt()).isEqualTo((int) crc.getValue());
            assertThat(hashes.get(i)).isEqualTo(MerkleHashes.leafHash(expected));
        }
        assertThat(records.hasRemaining()).isFalse();
    }

    /** A statement's leaf goes into the embedded log's batch without an array of its own (two per statement). */
    @Test
    void aLeafWrittenIntoTheLogsBatchCostsNoArrayOfItsOwn() throws Exception {
        LeafEncoding encoding = new LeafEncoding();
        EvidenceEvent event = new EvidenceEvent(Instant.EPOCH, EventType.COMMAND, ANALYST, "s", null,
                new EvidenceEvent.Resource("db", "postgres", "127.0.0.1:5432"),
                null, CanonicalDetail.of("{\"seq\":1,\"text\":\"" + "x".repeat(8_000) + "\"}"));
        LeafBatch batch = new LeafBatch(1024 * 1024);
        for (int round = 0; round < 3; round++) {
            batch.startingAt(0);
            for (int i = 0; i < 20; i++) {
                encoding.encodeInto(i, event, batch);
            }
        }
        batch.startingAt(0);

        long perLeaf = AllocatedBytes.by(() -> {
            for (int i = 0; i < 20; i++) {
                encoding.encodeInto(i, event, batch);
            }
        }) / 20;
        assertThat(perLeaf).as("bytes allocated per 8 KB leaf written into the batch").isLessThan(1024);
    }

    private static List<EvidenceEvent> events() {
        Instant time = Instant.parse("2026-12-04T20:15:30.123456789Z");
        EvidenceEvent.Resource resource = new EvidenceEvent.Resource("db", "postgres", "127.0.0.1:5432/\"app\"");
        EvidenceEvent.Resource partial = new EvidenceEvent.Resource("api", null, null);
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("seq", 3).put("text", "SELECT '\u0001\t\u00e9' -- \ud83d\ude00").put("zeta", 1.5).put("alpha", true);
        detail.putArray("params").add("1").addNull();
        detail.putObject("nested").put("b", 2).put("a", "x");
        List<EvidenceEvent> events = new ArrayList<>();
        for (Identity actor : List.of(ANALYST, BARE, EvidenceEvent.GATEWAY, EvidenceEvent.UNAUTHENTICATED)) {
            events.add(new EvidenceEvent(time, EventType.COMMAND, actor, "session-1", "4bf92f3577b34da6a3ce929d0e0e4736",
                    resource, detail));
            events.add(new EvidenceEvent(time, EventType.SESSION_OPEN, actor, "session-2", null, partial, null));
            events.add(new EvidenceEvent(Instant.EPOCH, EventType.POLICY_CHANGED, actor, null, null, null, detail));
        }
        return events;
    }
}
