package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.CanonicalDetail;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.jcs.Jcs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A statement's {@code command} detail is written as canonical text without a JSON tree; the
 * text must be, byte for byte, what canonicalising the tree it replaces gives, for every
 * combination of members (the text inline or in a blob, a prepared statement, class, rule, bind
 * parameters with SQL NULLs, redactions in the text, a parameter and a header, what HTTP adds
 * around and between the command's own members), for values that need escaping in every width
 * of UTF-8, and for sequence numbers at plus and minus 2^53. What the text cannot hold goes the
 * tree's way (no text), and so does a protocol member named like one of the command's, which
 * the tree lets replace it.
 */
class CommandEventDetailTest {

    private static final String ESCAPED = "\"\\\b\f\n\r\t\u0000\u001f\u007f \u00e9\u20ac\ud83d\ude00\u2028/<>";
    private static final long[] EXACT = {0, 1, -1, 42, 9_007_199_254_740_992L, -9_007_199_254_740_992L};
    private static final String BLOB = "sha256:" + "b".repeat(64);

    @Test
    void theTextIsTheCanonicalFormOfTheTreeForEveryShape() {
        int compared = 0;
        for (CommandRecord command : commands()) {
            for (String textBlob : Arrays.asList(null, BLOB)) {
                for (ProtocolDetail protocol : protocolDetails()) {
                    CommandEventDetail detail = new CommandEventDetail(command, textBlob, 70_000, protocol);
                    String text = java.util.Objects.toString(detail.canonical(), null);
                    assertThat(text).as("%s %s %s", command, textBlob, protocol).isNotNull();
                    assertThat(text.getBytes(StandardCharsets.UTF_8)).as("%s %s %s", command, textBlob, protocol)
                            .isEqualTo(Jcs.canonicalize(detail.tree()));
                    assertThat(Jcs.isCanonical(text.getBytes(StandardCharsets.UTF_8))).isTrue();
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(8_000);
    }

    @Test
    void theClassHandedOverWithTheTextIsTheOneTheTreeHolds() {
        for (String statementClass : Arrays.asList("read", null, ESCAPED)) {
            CommandEventDetail detail = new CommandEventDetail(new CommandRecord(1, "Query", "SELECT 1", null, null,
                    null, statementClass, "allow"), null, 0, null);
            EvidenceEvent event = new EvidenceEvent(Instant.EPOCH, "command", EvidenceEvent.UNAUTHENTICATED, "s", null,
                    null, null, CanonicalDetail.of(detail.canonical(), "class", statementClass));
            EvidenceEvent tree = new EvidenceEvent(Instant.EPOCH, "command", EvidenceEvent.UNAUTHENTICATED, "s", null,
                    null, detail.tree());
            assertThat(event.detailString("class")).isEqualTo(tree.detailString("class")).isEqualTo(statementClass);
            // A member not handed over is read from the text, as the tree reads it.
            assertThat(event.detailString("rule")).isEqualTo(tree.detailString("rule")).isEqualTo("allow");
            assertThat(event.detailString("statement")).isNull();
            // Observers that want the tree (the SIEM forwarder) get the same members and values, parsed.
            assertThat(Jcs.canonicalize(event.detail())).isEqualTo(Jcs.canonicalize(detail.tree()));
        }
    }

    @Test
    void whatTheTextCannotHoldIsLeftToTheTree() {
        long beyond = 9_007_199_254_740_993L;
        ProtocolDetail replacesTheText = new TreeDetail(JsonNodeFactory.instance.objectNode().put("text", "GET /other"));
        ProtocolDetail replacesTheSeq = new TreeDetail(JsonNodeFactory.instance.objectNode().put("client", "10.0.0.1")
                .put("seq", 7));
        ProtocolDetail unpairedHeader = new TreeDetail(JsonNodeFactory.instance.objectNode().put("client", "\udc00"));
        for (CommandEventDetail detail : List.of(
                new CommandEventDetail(command(beyond), null, 0, null),
                new CommandEventDetail(command(-beyond), null, 0, null),
                new CommandEventDetail(new CommandRecord(1, "Query", "SELECT '\ud800'", null, null, null, null, null),
                        null, 0, null),
                new CommandEventDetail(new CommandRecord(1, "Execute", "SELECT $1", "", List.of("\ud800"), null, null,
                        null), null, 0, null),
                new CommandEventDetail(command(1), null, 0, replacesTheText),
                new CommandEventDetail(command(1), null, 0, replacesTheSeq),
                new CommandEventDetail(command(1), null, 0, unpairedHeader))) {
            assertThat(detail.canonical()).as("%s", detail).isNull();
        }
        // The tree keeps what it always did: the protocol's member replaces the command's.
        assertThat(new CommandEventDetail(command(1), null, 0, replacesTheText).tree().path("text").asText())
                .isEqualTo("GET /other");
    }

    private static CommandRecord command(long sequence) {
        return new CommandRecord(sequence, "Query", "SELECT 1", null, null, null, "read", null);
    }

    private static List<CommandRecord> commands() {
        List<CommandRecord> commands = new ArrayList<>();
        List<List<String>> parameters = Arrays.asList(null, List.of(), Arrays.asList("1", null, ESCAPED, "\\x00ff"));
        List<List<Redaction>> redactions = List.of(List.of(),
                List.of(new Redaction(null, null, 7, 5, "EMAIL", "ab".repeat(32))),
                List.of(new Redaction(2, null, 0, 12, "CARD", "cd".repeat(32)), new Redaction(null, null, 3, 1, null, null),
                        new Redaction(null, "x-" + ESCAPED, 0, 6, "SECRET", null),
                        new Redaction(1, null, 9, 3, ESCAPED, ESCAPED)));
        String[][] names = {{"Query", null, null, null}, {"Execute", "", "read", "allow-reads"},
            {"FunctionCall", "stmt_1", ESCAPED, ESCAPED}, {ESCAPED, ESCAPED, "ddl", null}, {null, null, null, "r"}};
        for (long sequence : EXACT) {
            for (String text : Arrays.asList("SELECT 1", "", ESCAPED, "SELECT * FROM t WHERE a = '" + ESCAPED + "'")) {
                for (String[] name : names) {
                    for (List<String> params : parameters) {
                        for (List<Redaction> redacted : redactions) {
                            commands.add(new CommandRecord(sequence, name[0], text, name[1], params, null, name[2],
                                    name[3], redacted));
                        }
                    }
                }
            }
        }
        return commands;
    }

    /** None, nothing, HTTP's members, and members that sort before, between and after the command's own. */
    private static List<ProtocolDetail> protocolDetails() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode http = json.objectNode().put("client", "192.0.2.1:5123").put("tls", true);
        http.putObject("headers").put("user-agent", "curl/8").put("accept", ESCAPED).put("x-b", "1").put("x-a", "2");
        ObjectNode around = json.objectNode().put("a", 1).put("zz", "last").put("Z", "upper first")
                .put("\u00e9t\u00e9", "after ASCII").put("params2", "between").put("sea", 9_007_199_254_740_992L)
                .put("\ud83d\ude00", ESCAPED).put("rulez", false);
        around.putArray("r").add(1).addNull().add("x");
        around.putNull("statements");
        return Arrays.asList(null, new TreeDetail(json.objectNode()), new TreeDetail(http), new TreeDetail(around));
    }

    /** Any tree as a protocol's detail, its members written by the ledger's canonicaliser. */
    private record TreeDetail(ObjectNode tree) implements ProtocolDetail {

        @Override
        public List<String> names() {
            List<String> names = new ArrayList<>();
            tree.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            return names;
        }

        @Override
        public void appendCanonical(String name, StringBuilder out) {
            Jcs.appendCanonical(tree.get(name), out);
        }
    }
}
