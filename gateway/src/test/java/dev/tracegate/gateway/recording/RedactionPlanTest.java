package dev.tracegate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.policy.sql.LexingCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The record's redaction plans per statement shape ({@link RedactionPlan}): a statement served
 * from a shape another statement cached must be redacted exactly as a redaction with empty caches
 * redacts it: its own numbers masked from their own digits, at their own positions, with the hashes
 * of its own values. The attacks: a primer of the same shape whose values (or whose digit lengths,
 * which move every position after them) would leak into another statement's record, or leave one
 * of its literals in clear.
 */
class RedactionPlanTest {

    private static final HashKey KEY = HashKey.of("redaction-plan-test-key".getBytes(StandardCharsets.UTF_8));
    private static final Path CORPUS = Path.of("..", "policy", "src", "test", "resources", "evasion-corpus.tsv");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern ESCAPE = Pattern.compile("\\\\(.)");
    private static final Masker DEMO = demo();
    private static final Masker DEFAULTS = new Masker(MaskingProfile.from(MaskingConfig.defaults(), null));
    private static final List<String> PARAMETERS = List.of("ada@example.com", "4111111111111111", "+44 20 7946 0958");

    /** Statements whose numbers go to protected columns, next to strings, parameters, comments and quotes. */
    private static final List<String> SHAPES = List.of(
            "UPDATE customers SET national_id = 536221234, notes = 4111111111111111 WHERE id = 7",
            "UPDATE customers SET national_id = 1, notes = E'card 4111111111111111 \\' x' WHERE id = 22 /* ada@example.com 5 */",
            "SELECT * FROM customers WHERE national_id = 12 AND email = U&'ada\\0040example.com' AND id = $2 -- 5 ada@example.com",
            "SELECT $tag1$ ada@example.com $tag1$, national_id FROM customers WHERE national_id IN (1, 22, 333) AND id = $1",
            "INSERT INTO customers VALUES (1, 'Ada Lovelace', 4111111111111111, $1, 12.5, 7)",
            "INSERT INTO customers (id, national_id, card_number, phone) VALUES (5, 536221234, 5500000000000004, 442079460958)",
            "SELECT '\uD83D\uDE00', national_id FROM customers WHERE national_id = 42 AND card_number = 4111111111111111",
            "ALTER ROLE r1 PASSWORD 'p4ss' VALID UNTIL '2030-01-01'; UPDATE customers SET national_id = 9 WHERE id = 1",
            "SELECT 5 '5', $5$ 5 $5$, /* 5 /* 5 */ 5 */ 5, U&'\\0041' UESCAPE '5', B'101', 5::int, a[1:2] FROM t1",
            "UPDATE customers SET phone = 5 WHERE national_id = 6 /* unterminated 5");

    /** Primers: the statement with its digit runs respelled, all or some, shorter and longer. */
    private static final List<UnaryOperator<String>> RESPELLINGS = List.of(
            sql -> respell(sql, (k, run) -> "0"),
            sql -> respell(sql, (k, run) -> "9"),
            sql -> respell(sql, (k, run) -> "123456789012"),
            sql -> respell(sql, (k, run) -> "4111111111111111"),
            sql -> respell(sql, (k, run) -> run + "7"),
            sql -> respell(sql, (k, run) -> k % 2 == 0 ? run : "00"),
            sql -> respell(sql, (k, run) -> k % 2 == 1 ? run : "536221234"));

    private interface RunSpelling {
        String respell(int index, String run);
    }

    @Test
    void aStatementOfACachedShapeIsRedactedAsWithEmptyCaches() throws IOException {
        List<String> texts = new ArrayList<>(SHAPES);
        texts.addAll(corpus());
        texts.addAll(StatementRedactorTest.attacks());
        int planned = 0;
        for (Function<LexingCache, CommandRedaction> profile : profiles()) {
            for (String sql : texts) {
                RecordedCommand expected = profile.apply(new LexingCache()).statement(sql, PARAMETERS);
                for (UnaryOperator<String> respelling : RESPELLINGS) {
                    String primer = respelling.apply(sql);
                    LexingCache lexing = new LexingCache();
                    CommandRedaction shared = profile.apply(lexing);
                    RecordedCommand primed = shared.statement(primer, PARAMETERS);
                    assertThat(shared.statement(sql, PARAMETERS)).as("%s after %s", sql, primer).isEqualTo(expected);
                    assertThat(shared.statement(primer, PARAMETERS)).as("%s again after %s", primer, sql).isEqualTo(primed);
                    assertThat(primed).as(primer).isEqualTo(profile.apply(new LexingCache()).statement(primer, PARAMETERS));
                    String template = lexing.lexing(sql).template();
                    if (!primer.equals(sql) && template != null && template.equals(primer)) {
                        planned++;
                    }
                }
            }
        }
        assertThat(planned).as("statements redacted with the plan another statement's text made").isGreaterThan(1_000);
    }

    @Test
    void numbersOfOtherLengthsAreMaskedFromTheirOwnDigitsAtTheirOwnPlaces() {
        CommandRedaction shared = demoRecord(new LexingCache());
        shared.statement("UPDATE customers SET national_id = 1, notes = 'ada@example.com' WHERE id = 1 /* 5 */", null);
        String sql = "UPDATE customers SET national_id = 536221234, notes = 'ada@example.com' WHERE id = 1234567 /* 5 */";
        RecordedCommand recorded = shared.statement(sql, null);
        assertThat(recorded.text()).isEqualTo("UPDATE customers SET national_id = '*****1234', notes = '[EMAIL]'"
                + " WHERE id = 1234567 /* 5 */");
        assertThat(recorded.redactions()).extracting(Redaction::hmac)
                .containsExactly(KEY.hmacHex("536221234"), KEY.hmacHex("ada@example.com"));
        int[] codePoints = recorded.text().codePoints().toArray();
        assertThat(recorded.redactions()).extracting(r -> new String(codePoints, r.at(), r.length()))
                .containsExactly("*****1234", "[EMAIL]");
    }

    @Test
    void aCommentOrStringAfterALongerNumberIsStillMaskedWhole() {
        CommandRedaction shared = demoRecord(new LexingCache());
        shared.statement("SELECT 1, 'ada@example.com' /* call +44 20 7946 0958 */ FROM t", null);
        RecordedCommand recorded = shared.statement(
                "SELECT 4111111111111111, 'ada@example.com' /* call +44 20 7946 0958 */ FROM t", null);
        assertThat(recorded.text()).isEqualTo("SELECT '[CARD]', '[EMAIL]' /* call [PHONE] */ FROM t");
        assertThat(recorded.redactions()).extracting(Redaction::hmac).containsExactly(KEY.hmacHex("4111111111111111"),
                KEY.hmacHex("ada@example.com"), KEY.hmacHex("+44 20 7946 0958"));
    }

    /** The demo's record profile (person names hinted too), the defaults, and credentials only: each plans on its own. */
    private static List<Function<LexingCache, CommandRedaction>> profiles() {
        return List.of(RedactionPlanTest::demoRecord,
                lexing -> CommandRedaction.forRecord(DEFAULTS, KEY, lexing),
                lexing -> CommandRedaction.credentialsOnly(KEY, lexing));
    }

    private static CommandRedaction demoRecord(LexingCache lexing) {
        return CommandRedaction.forRecord(DEMO, KEY, lexing);
    }

    private static Masker demo() {
        MaskingConfig demo = MaskingConfig.demo();
        List<EntityType> hints = new ArrayList<>(demo.hints());
        hints.add(EntityType.PERSON_NAME);
        MaskingConfig config = new MaskingConfig(demo.detect(), demo.phoneRegions(), hints, demo.strategies(), demo.columns(),
                demo.fields(), demo.custom(), demo.limits());
        return new Masker(MaskingProfile.from(config, KEY));
    }

    /** The classifier's evasion corpus: comment, quoting, escape and nesting tricks. */
    private static List<String> corpus() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                texts.add(unescape(line.split("\t", 2)[1]));
            }
        }
        assertThat(texts).hasSizeGreaterThan(300);
        return texts;
    }

    /** The corpus file's escapes: \\n, \\t, \\f, \\v and \\\\; any other backslash stays. */
    private static String unescape(String text) {
        return ESCAPE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(switch (m.group(1)) {
            case "n" -> "\n";
            case "t" -> "\t";
            case "f" -> "\f";
            case "v" -> "\u000b";
            case "\\" -> "\\";
            default -> m.group();
        }));
    }

    private static String respell(String sql, RunSpelling spelling) {
        Matcher m = DIGITS.matcher(sql);
        StringBuilder out = new StringBuilder();
        int k = 0;
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(spelling.respell(k++, m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
