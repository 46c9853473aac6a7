package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.jcs.Jcs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * An HTTP request's command detail is written member by member as canonical text without a JSON
 * tree per request: each member must be, byte for byte, what canonicalising the tree gives, and
 * the names those of the tree, in canonical order.
 */
class HttpRequestDetailTest {

    private static final String ESCAPED = "\"\\\b\f\n\r\t\u0000\u001f\u007f \u00e9\u20ac\ud83d\ude00\u2028/<>";

    @Test
    void everyMemberIsTheCanonicalFormOfTheTreesMember() {
        for (Map<String, String> headers : List.<Map<String, String>>of(Map.of(),
                Map.of("user-agent", "curl/8", "accept", ESCAPED, "x-b", "1", "x-a", "2", "\u00e9t\u00e9", "z"),
                Map.of("from", "[EMAIL]", "authorization", "[REDACTED]", "x-empty", ""))) {
            for (boolean tls : new boolean[] {true, false}) {
                HttpRequestDetail detail = new HttpRequestDetail("192.0.2.1:5123", tls, new TreeMap<>(headers));
                JsonNode tree = detail.tree();
                List<String> treeNames = new ArrayList<>();
                tree.fieldNames().forEachRemaining(treeNames::add);

                assertThat(detail.names()).isEqualTo(treeNames.stream().sorted().toList());
                for (String name : detail.names()) {
                    StringBuilder member = new StringBuilder();
                    detail.appendCanonical(name, member);
                    assertThat(member.toString()).as("%s of %s", name, headers).isEqualTo(Jcs.canonicalString(tree.get(name)));
                }
            }
        }
    }
}
