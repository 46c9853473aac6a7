package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.detect.CardDetector;
import dev.tracegate.masking.detect.EmailDetector;
import dev.tracegate.masking.detect.IbanDetector;
import dev.tracegate.masking.detect.IpAddressDetector;
import dev.tracegate.masking.detect.PhoneDetector;
import dev.tracegate.masking.detect.SecretDetector;
import dev.tracegate.masking.detect.SsnDetector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of the content detectors on {@code masking-corpus.txt}: positives in many
 * formats and contexts, and negatives chosen to look like them (Luhn-valid order numbers, version
 * strings shaped like addresses, dates shaped like phone numbers, ...). A find counts when it covers
 * the labelled value; a find that overlaps no label of its type is a false positive.
 */
class MaskingCorpusTest {

    private static final Set<EntityType> STRUCTURED = Set.of(
            EntityType.EMAIL, EntityType.CARD, EntityType.IBAN, EntityType.SSN, EntityType.PHONE);

    record Labelled(int start, int end, EntityType type) {
    }

    record Line(int number, String text, List<Labelled> labels) {
    }

    record Score(int truePositives, int falsePositives, int found, int expected) {
        double precision() {
            return truePositives + falsePositives == 0 ? 1.0 : (double) truePositives / (truePositives + falsePositives);
        }

        double recall() {
            return expected == 0 ? 1.0 : (double) found / expected;
        }
    }

    private static List<Line> corpus;
    private static final List<Detector> DETECTORS = List.of(new EmailDetector(), new PhoneDetector(
            MaskingConfig.DEFAULT_PHONE_REGIONS), new CardDetector(), new IbanDetector(), new SsnDetector(),
            new IpAddressDetector(), new SecretDetector());

    @BeforeAll
    static void load() throws IOException {
        corpus = read();
    }

    @Test
    void corpusIsLargeAndHasBothSides() {
        long positives = corpus.stream().filter(l -> !l.labels().isEmpty()).count();
        long negatives = corpus.size() - positives;
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(500);
        assertThat(positives).isGreaterThanOrEqualTo(300);
        assertThat(negatives).isGreaterThanOrEqualTo(150);
        for (EntityType type : STRUCTURED) {
            assertThat(corpus.stream().flatMap(l -> l.labels().stream()).filter(l -> l.type() == type).count())
                    .as("labelled %s", type).isGreaterThanOrEqualTo(40);
        }
    }

    @Test
    void structuredEntitiesMeetTheGoal() {
        Map<EntityType, Score> scores = new EnumMap<>(EntityType.class);
        List<String> misses = new ArrayList<>();
        for (Detector detector : DETECTORS) {
            scores.put(detector.type(), score(detector, misses));
        }
        StringBuilder table = new StringBuilder(String.format("%n%-8s %9s %9s %6s %6s %6s%n",
                "entity", "precision", "recall", "TP", "FP", "FN"));
        scores.forEach((type, s) -> table.append(String.format("%-8s %9.4f %9.4f %6d %6d %6d%n", type, s.precision(),
                s.recall(), s.truePositives(), s.falsePositives(), s.expected() - s.found())));
        System.out.println(table);
        misses.forEach(System.out::println);
        for (EntityType type : STRUCTURED) {
            Score s = scores.get(type);
            assertThat(s.recall()).as("%s recall%s", type, table).isGreaterThanOrEqualTo(0.99);
            assertThat(s.precision()).as("%s precision%s", type, table).isGreaterThanOrEqualTo(0.98);
        }
    }

    @Test
    void prefilterNeverSkipsADetectorThatWouldFindSomething() {
        for (Line line : corpus) {
            TextFacts facts = TextFacts.of(line.text());
            for (Detector detector : DETECTORS) {
                if (!detector.mayMatch(facts)) {
                    List<Match> matches = new ArrayList<>();
                    detector.find(line.text(), matches);
                    assertThat(matches).as("%s skipped on line %d", detector.type(), line.number()).isEmpty();
                }
            }
        }
    }

    @Test
    void theDefaultProfileLeavesNoLabelledValueInClear() {
        Masker masker = new Masker(MaskingProfile.defaults());
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (Line line : corpus) {
            if (line.labels().isEmpty()) {
                continue;
            }
            String masked = masker.maskText(ColumnRef.expression("text"), line.text(), new MaskingReport()).value();
            for (Labelled label : line.labels()) {
                checked++;
                String value = line.text().substring(label.start(), label.end());
                if (masked != null && masked.contains(value)) {
                    leaks.add("line " + line.number() + " " + label.type() + " left in clear");
                }
            }
        }
        System.out.println("end-to-end: " + (checked - leaks.size()) + " of " + checked + " labelled values masked");
        assertThat((double) (checked - leaks.size()) / checked).as(String.join("\n", leaks)).isGreaterThanOrEqualTo(0.99);
    }

    private static Score score(Detector detector, List<String> misses) {
        int tp = 0;
        int fp = 0;
        int found = 0;
        int expected = 0;
        for (Line line : corpus) {
            List<Match> matches = finds(detector, line.text());
            for (Match match : matches) {
                boolean labelled = line.labels().stream().anyMatch(l -> l.type() == detector.type()
                        && match.start() < l.end() && l.start() < match.end());
                if (labelled) {
                    tp++;
                } else {
                    fp++;
                    misses.add("FP " + detector.type() + " line " + line.number() + ": "
                            + line.text().substring(match.start(), match.end()));
                }
            }
            for (Labelled label : line.labels()) {
                if (label.type() != detector.type()) {
                    continue;
                }
                expected++;
                boolean covered = matches.stream().anyMatch(m -> m.start() <= label.start() && m.end() >= label.end());
                if (covered) {
                    found++;
                } else {
                    misses.add("FN " + detector.type() + " line " + line.number() + ": "
                            + line.text().substring(label.start(), label.end()));
                }
            }
        }
        return new Score(tp, fp, found, expected);
    }

    /**
     * What {@code detector} finds in {@code text}, as written and, as the scanner reads it, where the
     * text spells digits in words ({@link SpelledDigits}): those finds span the spelled run as written.
     */
    private static List<Match> finds(Detector detector, String text) {
        List<Match> matches = new ArrayList<>();
        detector.find(text, matches);
        SpelledDigits.Reading reading = TextFacts.of(text).spelledDigitWords() >= SpelledDigits.MIN_WORDS
                ? SpelledDigits.of(text) : null;
        if (reading != null) {
            List<Match> read = new ArrayList<>();
            detector.find(reading.text(), read);
            for (Match match : read) {
                if (reading.touchesRun(match.start(), match.end())) {
                    matches.add(new Match(reading.writtenStart(match.start()), reading.writtenEnd(match.end()), match.type()));
                }
            }
        }
        return matches;
    }

    private static List<Line> read() throws IOException {
        List<Line> lines = new ArrayList<>();
        try (InputStream in = MaskingCorpusTest.class.getResourceAsStream("/masking-corpus.txt")) {
            assertThat(in).as("masking-corpus.txt on the test classpath").isNotNull();
            String[] raw = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < raw.length; i++) {
                if (raw[i].isBlank() || raw[i].startsWith("#")) {
                    continue;
                }
                lines.add(parse(i + 1, raw[i].replace("\\n", "\n")));
            }
        }
        return lines;
    }

    /** Strips {@code [[TYPE|value]]} markup, remembering where each value lands in the plain text. */
    private static Line parse(int number, String marked) {
        StringBuilder text = new StringBuilder();
        List<Labelled> labels = new ArrayList<>();
        int i = 0;
        while (i < marked.length()) {
            int open = marked.indexOf("[[", i);
            if (open < 0) {
                text.append(marked, i, marked.length());
                break;
            }
            while (marked.startsWith("[[[", open)) {
                open++; // "[[[IP|::1]]]" is a bracket around a label
            }
            int bar = marked.indexOf('|', open);
            int close = marked.indexOf("]]", bar);
            text.append(marked, i, open);
            EntityType type = EntityType.parse(marked.substring(open + 2, bar));
            int start = text.length();
            text.append(marked, bar + 1, close);
            labels.add(new Labelled(start, text.length(), type));
            i = close + 2;
        }
        return new Line(number, text.toString(), labels);
    }
}
