package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.masking.bench.ScanComparison;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.detect.CardDetector;
import dev.tracegate.masking.detect.PhoneDetector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The phone detector is not asked about digits a card number claims (#25): what the masker makes
 * of texts where card and phone finds overlap or touch must be, byte for byte and report for report,
 * what it made of them before that. {@code claimed-digits-corpus.tsv} holds 115 such texts
 * (cards with phone words before them, phones right after cards behind every separator, IBANs and
 * plain numbers between), each masked as text and as JSON under the default and the demo profile,
 * with the output of the code before the change.
 */
class ClaimedDigitsCorpusTest {

    private static final List<Masker> MASKERS = List.of(new Masker(MaskingProfile.defaults()),
            new Masker(MaskingProfile.demo(HashKey.of(new byte[32]))));

    record Line(int masker, boolean json, String input, String expected) {
    }

    @Test
    void everyTextIsMaskedAsBefore() throws IOException {
        List<Line> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        for (Line line : corpus) {
            assertThat(ScanComparison.masked(MASKERS.get(line.masker()), line.input(), line.json()))
                    .as(line.input()).isEqualTo(line.expected());
        }
    }

    /** Without texts whose phone finds lie inside card finds, the corpus would test nothing of the change. */
    @Test
    void theCorpusHoldsPhoneFindsInsideCards() throws IOException {
        int inside = 0;
        for (Line line : corpus()) {
            if (line.masker() == 0 && phoneFindInsideCard(line.input())) {
                inside++;
            }
        }
        assertThat(inside).isGreaterThanOrEqualTo(20);
    }

    /**
     * The one difference: the phone detector's budget is spent on fewer candidates. A text of card
     * numbers whose prefixes the phone detector used to check one by one ran its budget out and
     * was replaced whole; it is now scanned to its end, and every card in it is masked.
     */
    @Test
    void aTextOfCardsThatRanThePhoneBudgetOutIsMaskedCardByCard() {
        String cards = String.join(", ", Collections.nCopies(40, "4003 1234 5678 9014"));
        CellResult result = MASKERS.get(0).maskText(ColumnRef.expression("body"), cards, new MaskingReport());
        assertThat(result.fallback()).isNull();
        assertThat(result.value()).isEqualTo(String.join(", ", Collections.nCopies(40, "[CARD]")));
        assertThat(result.findings()).containsEntry("CARD", 40);
    }

    private static boolean phoneFindInsideCard(String text) {
        List<Match> cards = new ArrayList<>();
        List<Match> phones = new ArrayList<>();
        new CardDetector().find(text, cards);
        new PhoneDetector(MaskingConfig.DEFAULT_PHONE_REGIONS).find(text, phones);
        return cards.stream().anyMatch(card -> phones.stream()
                .anyMatch(phone -> phone.start() >= card.start() && phone.end() <= card.end()));
    }

    private static List<Line> corpus() throws IOException {
        List<Line> lines = new ArrayList<>();
        try (InputStream in = ClaimedDigitsCorpusTest.class.getResourceAsStream("/claimed-digits-corpus.tsv")) {
            for (String row : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (row.isEmpty() || row.startsWith("#")) {
                    continue;
                }
                String[] fields = row.split("\t", 3);
                String rest = fields[2];
                String input = unescaped(rest.substring(0, rest.indexOf('\t')));
                lines.add(new Line(Integer.parseInt(fields[0]), fields[1].equals("json"), input,
                        rest));
            }
        }
        return lines;
    }

    private static String unescaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
