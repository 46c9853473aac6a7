package dev.tracegate.masking;

import dev.tracegate.masking.detect.CardDetector;
import dev.tracegate.masking.detect.PhoneDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the content detectors over a text and replaces what they find. Overlapping finds (a phone
 * detector and a card detector on the same digits) are merged into one span so that no part of
 * either is left in clear; the span takes the entity of the earliest match (on a tie, of the rule
 * listed first). The phone detector is not asked about digits a card number found in the same text
 * has claimed when nothing can extend them (what that find would add is inside the card's).
 */
final class ContentScanner {

    /** A detector, the report's label for its entity, and the strategy for what it finds. */
    record Rule(Detector detector, String label, MaskStrategy strategy) {
    }

    /** What a scan found and the text with it masked ({@code null} when a find's strategy is nullify). */
    record Outcome(String masked, Map<String, Integer> findings) {
    }

    /** One merged find: its span, the report's label, and its replacement ({@code null} when the strategy nullifies). */
    record Span(int start, int end, String label, String replacement) {
    }

    private final Rule[] rules;
    /**
     * The card detector's rule, when one comes before the phone detector's ({@code -1} otherwise):
     * then the phone detector is not asked about digits the cards it found have claimed (see
     * {@link PhoneDetector#find(CharSequence, List, List)}). A card's find comes first among finds
     * that start where it does only when its rule does, which is what keeps that exact.
     */
    private final int cardRule;
    private final int phoneRule;

    ContentScanner(List<Rule> rules) {
        this.rules = rules.toArray(Rule[]::new);
        int card = firstRule(CardDetector.class);
        int phone = firstRule(PhoneDetector.class);
        boolean claims = card >= 0 && phone > card;
        this.cardRule = claims ? card : -1;
        this.phoneRule = claims ? phone : -1;
    }

    private int firstRule(Class<? extends Detector> type) {
        for (int r = 0; r < rules.length; r++) {
            if (type.isInstance(rules[r].detector())) {
                return r;
            }
        }
        return -1;
    }

    boolean isEmpty() {
        return rules.length == 0;
    }

    /**
     * Scans {@code text}; returns {@code null} when nothing was found (the common case, which
     * allocates next to nothing). May throw {@link ScanBudgetExceededException}.
     */
    Outcome scan(String text) {
        List<Span> spans = spans(text);
        if (spans.isEmpty()) {
            return null;
        }
        if (spans.size() == 1) {
            return single(text, spans.get(0));
        }
        Map<String, Integer> findings = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder(text.length() + 16);
        int copied = 0;
        for (Span span : spans) {
            findings.merge(span.label(), 1, Integer::sum);
            if (span.replacement() == null) {
                copied = -1;
            } else if (copied >= 0) {
                out.append(text, copied, span.start()).append(span.replacement());
                copied = span.end();
            }
        }
        if (copied < 0) {
            return new Outcome(null, findings);
        }
        out.append(text, copied, text.length());
        return new Outcome(out.toString(), findings);
    }

    /**
     * One find, the common case of a JSON value (often the whole value, such as a card number):
     * the masked text built at its size, or the replacement itself, and the findings without a map
     * to grow.
     */
    private static Outcome single(String text, Span span) {
        Map<String, Integer> findings = Map.of(span.label(), 1);
        String replacement = span.replacement();
        if (replacement == null || (span.start() == 0 && span.end() == text.length())) {
            return new Outcome(replacement, findings);
        }
        String masked = new StringBuilder(text.length() - (span.end() - span.start()) + replacement.length())
                .append(text, 0, span.start()).append(replacement).append(text, span.end(), text.length()).toString();
        return new Outcome(masked, findings);
    }

    /**
     * What {@link #scan} replaces, span by span, in text order: overlapping finds merged, each with
     * its strategy's replacement ({@code null} where a strategy nullifies). Empty when nothing was
     * found. A text whose {@link ReadingForm reading form} shows the detectors more than its written
     * form (a card number in full-width digits or with no-break spaces, an e-mail address with a
     * zero-width space) is one span, the whole text, replaced as the first find of its reading form that no
     * find as written shows.
     */
    List<Span> spans(String text) {
        return spans(text, 0);
    }

    /** {@code depth}: how many decodings deep {@code text} is (Base64 or hex of an encoding is read once more, no further). */
    private List<Span> spans(String text, int depth) {
        if (rules.length == 0 || text.isEmpty()) {
            return List.of();
        }
        TextFacts facts = TextFacts.of(text);
        List<Span> written = spansAsWritten(text, facts);
        // The facts' pass already tells an ASCII text without markup, the common case, from one
        // whose reading form may differ: only the latter pays for that form's passes.
        String read = facts.readAsWritten() ? null : ReadingForm.of(text);
        TextFacts readFacts = read == null ? null : TextFacts.of(read);
        Span hidden = read == null ? null : firstHidden(spansAsWritten(read, readFacts), read, written, text);
        if (hidden != null || depth >= 2) {
            return hidden == null ? written : whole(text, hidden);
        }
        List<Span> spans = facts.base64Run() ? withDecodedRuns(text, written, Base64Reading.in(text), depth) : written;
        spans = facts.hexRun() ? withDecodedRuns(text, spans, HexReading.in(text), depth) : spans;
        spans = facts.base32Run() ? withDecodedRuns(text, spans, Base32Reading.in(text), depth) : spans;
        spans = withDecodedRuns(text, spans, SpacedOutReading.in(text), depth);
        spans = withDecodedRuns(text, spans, ElementUnits.in(text), depth);
        spans = withLineBrokenAddresses(text, spans);
        spans = withLineBrokenCards(text, spans);
        spans = withLineWrappedValues(text, spans);
        spans = withDelimitedCardGroups(text, spans);
        hidden = read == null ? null : hiddenInADecodedRun(text, facts, read, readFacts, depth);
        if (hidden != null) {
            return whole(text, hidden);
        }
        ControlFreeText drawn = ControlFreeText.of(text);
        List<Span> drawnSpans = drawn == null ? List.of() : spans(drawn.text(), depth);
        return drawnSpans.isEmpty() ? spans : union(spans, drawn.written(drawnSpans));
    }

    /**
     * {@code spans} and the halves of each e-mail address a line break cuts ({@link LineBrokenAddress}): the runs
     * on the cut's sides read joined, and a find of an address that reaches into both masks each half, the line
     * break and the indentation between them kept. A cut whose halves a find as written already reaches is that
     * find's.
     */
    private List<Span> withLineBrokenAddresses(String text, List<Span> spans) {
        List<LineBrokenAddress.Cut> cuts = LineBrokenAddress.in(text);
        if (cuts.isEmpty()) {
            return spans;
        }
        List<Span> out = spans;
        for (LineBrokenAddress.Cut cut : cuts) {
            if (overlapsAny(out, cut.leftStart(), cut.leftEnd())) {
                continue;
            }
            if (overlapsAny(out, cut.rightStart(), cut.rightEnd())) {
                out = withLocalPartsFirstPiece(text, cut, out);
                continue;
            }
            String joined = cut.joined(text);
            int cutAt = cut.leftEnd() - cut.leftStart();
            for (Span find : detected(joined, TextFacts.of(joined))) {
                if (find.start() < cutAt && find.end() > cutAt && EntityType.EMAIL.name().equals(find.label())) {
                    out = out == spans ? new ArrayList<>(spans) : out;
                    out.add(new Span(cut.leftStart() + find.start(), cut.leftEnd(), find.label(), find.replacement()));
                    out.add(new Span(cut.rightStart(), cut.rightStart() + find.end() - cutAt, find.label(), find.replacement()));
                }
            }
        }
        if (out != spans) {
            out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        }
        return out;
    }

    /**
     * {@code spans} and the first piece of an address whose rest, the next line's start, is an address by itself
     * ({@code ada.love}, a line break, {@code lace@example.com}): the two runs joined are read, and when the address
     * found in them starts in the first run and ends where the second run's own find does, the first run is masked
     * too. Only a run that reads as a local part's piece ({@link LineBrokenAddress#isLocalPartPiece}): a word before
     * an address on the next line ({@code Thanks to}) stays.
     */
    private List<Span> withLocalPartsFirstPiece(String text, LineBrokenAddress.Cut cut, List<Span> spans) {
        Span own = startingIn(spans, cut.leftEnd(), cut.rightStart());
        if (own == null || !EntityType.EMAIL.name().equals(own.label())
                || !LineBrokenAddress.isLocalPartPiece(text, cut.leftStart(), cut.leftEnd())) {
            return spans;
        }
        String joined = cut.joined(text);
        int cutAt = cut.leftEnd() - cut.leftStart();
        for (Span find : detected(joined, TextFacts.of(joined))) {
            if (find.start() < cutAt && find.end() > cutAt && EntityType.EMAIL.name().equals(find.label())) {
                List<Span> out = new ArrayList<>(spans);
                out.add(new Span(cut.leftStart() + find.start(), cut.leftEnd(), find.label(), find.replacement()));
                return out;
            }
        }
        return spans;
    }

    /**
     * The span of {@code spans} that starts from {@code from} to {@code to}: at the next line's run, or inside an escaped
     * line break before it (the {@code n} of {@code \n} reads as a letter of the address after it); null when none.
     */
    private static Span startingIn(List<Span> spans, int from, int to) {
        for (Span span : spans) {
            if (span.start() >= from && span.start() <= to) {
                return span;
            }
        }
        return null;
    }

    /**
     * {@code spans} and the pieces of each card number line breaks cut ({@link LineBrokenCard}): every window of a
     * chain's pieces as long as a card, joined as written and then with a space, read by the detectors; a card found
     * across two pieces or more masks each piece it reaches where it is written, the line breaks kept. A window a find
     * as written already reaches is that find's.
     */
    private List<Span> withLineBrokenCards(String text, List<Span> spans) {
        List<List<LineBrokenCard.Piece>> chains = LineBrokenCard.in(text);
        if (chains.isEmpty()) {
            return spans;
        }
        List<Span> out = spans;
        for (List<LineBrokenCard.Piece> chain : chains) {
            for (int first = 0; first < chain.size(); first++) {
                int digits = 0;
                for (int last = first; last < chain.size(); last++) {
                    digits += LineBrokenCard.digits(text, chain.get(last));
                    if (last > first && LineBrokenCard.mayMakeACard(digits)
                            && !overlapsAny(out, chain.get(first).start(), chain.get(last).end())) {
                        List<Span> found = cardAcross(text, chain.subList(first, last + 1), AS_WRITTEN_OR_SPACED);
                        out = found.isEmpty() ? out : union(out, found);
                    }
                }
            }
        }
        if (out != spans) {
            out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        }
        return out;
    }

    /**
     * {@code spans} and both sides of each IBAN, phone number or national id a line break cuts between two of its
     * groups ({@link LineWrappedValue}): the runs on the cut's sides read joined as a reader joins them; a find of one
     * of those that starts before the cut and ends after it masks each side where it is written, the line break kept.
     */
    private List<Span> withLineWrappedValues(String text, List<Span> spans) {
        List<Span> out = spans;
        for (LineWrappedValue.Cut cut : LineWrappedValue.in(text)) {
            String glue = cut.glue(text);
            String joined = text.substring(cut.leftStart(), cut.leftEnd()) + glue + text.substring(cut.rightStart(), cut.rightEnd());
            int rightAt = cut.leftEnd() - cut.leftStart() + glue.length();
            for (Span find : detected(joined, TextFacts.of(joined))) {
                if (WRAPPED_ENTITIES.contains(find.label()) && find.start() < cut.leftEnd() - cut.leftStart() && find.end() > rightAt) {
                    out = union(out, List.of(
                            new Span(cut.leftStart() + find.start(), cut.leftEnd(), find.label(), find.replacement()),
                            new Span(cut.rightStart(), cut.rightStart() + find.end() - rightAt, find.label(), find.replacement())));
                }
            }
        }
        if (out != spans) {
            out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        }
        return out;
    }

    /** What a line break between groups may cut that no other reading joins: cards are {@link LineBrokenCard}'s. */
    private static final Set<String> WRAPPED_ENTITIES = Set.of(EntityType.IBAN.name(), EntityType.PHONE.name(),
            EntityType.SSN.name());

    /**
     * {@code spans} and the fields of each card whose plain groups a delimited row holds ({@link DelimitedCardGroups}:
     * {@code 4111,1111,1111,1111}): a run of three to six fields of 13 to 19 digits together, joined by spaces, read by
     * the detectors; a card found masks each field where it is written, the delimiters kept. A longer run is a list of
     * numbers (ids, bug numbers), not read: of the lines of {@code /usr/share/doc} holding such runs, reading every
     * window of a longer one masked 18 lists of numbers in 851.
     */
    private List<Span> withDelimitedCardGroups(String text, List<Span> spans) {
        List<List<LineBrokenCard.Piece>> runs = DelimitedCardGroups.in(text);
        List<Span> out = spans;
        for (List<LineBrokenCard.Piece> run : runs) {
            int digits = 0;
            for (LineBrokenCard.Piece field : run) {
                digits += field.end() - field.start();
            }
            if (run.size() <= MAX_DELIMITED_GROUPS && digits >= MIN_DELIMITED_DIGITS && digits <= MAX_DELIMITED_DIGITS
                    && !overlapsAny(out, run.getFirst().start(), run.getLast().end())) {
                List<Span> found = cardAcross(text, run, SPACED);
                out = found.isEmpty() ? out : union(out, found);
            }
        }
        if (out != spans) {
            out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        }
        return out;
    }

    /** A card's pieces over line breaks are joined as written (a cut inside a group) and by a space (a group a line). */
    private static final List<String> AS_WRITTEN_OR_SPACED = List.of("", " ");
    /** A delimited row's plain groups are joined by a space only: as written, numbers side by side make cards by chance. */
    private static final List<String> SPACED = List.of(" ");
    private static final int MAX_DELIMITED_GROUPS = 6;
    private static final int MIN_DELIMITED_DIGITS = 13;
    private static final int MAX_DELIMITED_DIGITS = 19;

    /** The spans, one a piece it reaches, of a card found across two or more of {@code pieces} joined by one of {@code glues}. */
    private List<Span> cardAcross(String text, List<LineBrokenCard.Piece> pieces, List<String> glues) {
        for (String glue : glues) {
            StringBuilder joined = new StringBuilder();
            int[] starts = new int[pieces.size()];
            for (int p = 0; p < pieces.size(); p++) {
                joined.append(p == 0 ? "" : glue);
                starts[p] = joined.length();
                joined.append(text, pieces.get(p).start(), pieces.get(p).end());
            }
            for (Span find : detected(joined.toString(), TextFacts.of(joined.toString()))) {
                List<Span> halves = new ArrayList<>();
                for (int p = 0; p < pieces.size() && EntityType.CARD.name().equals(find.label()); p++) {
                    int from = Math.max(find.start(), starts[p]);
                    int to = Math.min(find.end(), starts[p] + pieces.get(p).end() - pieces.get(p).start());
                    if (from < to) {
                        halves.add(new Span(pieces.get(p).start() + from - starts[p], pieces.get(p).start() + to - starts[p],
                                find.label(), find.replacement()));
                    }
                }
                if (halves.size() > 1) {
                    return halves;
                }
            }
        }
        return List.of();
    }

    private static boolean overlapsAny(List<Span> spans, int start, int end) {
        for (Span span : spans) {
            if (span.start() < end && start < span.end()) {
                return true;
            }
        }
        return false;
    }

    /** The whole text as one span, replaced as {@code find}, a find of its reading form that no find as written shows. */
    private static List<Span> whole(String text, Span find) {
        return List.of(new Span(0, text.length(), find.label(), find.replacement()));
    }

    /**
     * The first find of the reading form that no find of the written form shows, or {@code null}.
     * Each written find shows one find of the reading form, the one that reads as it does, so a
     * value hidden as written is told from the same count of finds (a number that only reads
     * as an SSN as written, {@code 123-45-6789}, followed by a zero-width space and a digit, is no
     * SSN as read, and an e-mail address with a zero-width space took its place) and from a
     * second copy of a value shown once as written.
     */
    private static Span firstHidden(List<Span> asRead, String read, List<Span> written, String text) {
        if (asRead.isEmpty()) {
            return null;
        }
        List<String> shown = new ArrayList<>(written.size());
        for (Span span : written) {
            String value = text.substring(span.start(), span.end());
            String valueRead = ReadingForm.of(value);
            shown.add(valueRead == null ? value : valueRead);
        }
        for (Span span : asRead) {
            if (!shown.remove(read.substring(span.start(), span.end()))) {
                return span;
            }
        }
        return null;
    }

    /**
     * A find in the decoded text of an encoded run of the reading form that no run of the written
     * form shows decoded, or {@code null}: an encoding that markup splits (Base64 with its {@code + / =}
     * URL-encoded as a query string carries them, {@code %2B %2F %3D}; JSON's {@literal \}/; character
     * references) is whole only as read, and its pieces as written decode to nothing or to halves of
     * a value. Decoded values are compared, not runs: a run the written form decodes already (one piece
     * of it, or without its padding) shows the same value.
     */
    private Span hiddenInADecodedRun(String text, TextFacts facts, String read, TextFacts readFacts, int depth) {
        List<DecodedFind> asRead = decodedFinds(read, readFacts, depth);
        if (asRead.isEmpty()) {
            return null;
        }
        List<String> shown = new ArrayList<>();
        for (DecodedFind find : decodedFinds(text, facts, depth)) {
            shown.add(find.value());
        }
        for (DecodedFind find : asRead) {
            if (!shown.remove(find.value())) {
                return find.span();
            }
        }
        return null;
    }

    /** A find in an encoded run's decoded text: the value it reads there, and its span in that text. */
    private record DecodedFind(String value, Span span) {
    }

    /** The finds in the decoded text of every encoded run of {@code text}, in the order of the readings. */
    private List<DecodedFind> decodedFinds(String text, TextFacts facts, int depth) {
        List<DecodedFind> finds = new ArrayList<>(0);
        if (facts.base64Run()) {
            addDecodedFinds(Base64Reading.in(text), depth, finds);
        }
        if (facts.hexRun()) {
            addDecodedFinds(HexReading.in(text), depth, finds);
        }
        if (facts.base32Run()) {
            addDecodedFinds(Base32Reading.in(text), depth, finds);
        }
        addDecodedFinds(SpacedOutReading.in(text), depth, finds);
        addDecodedFinds(ElementUnits.in(text), depth, finds);
        return finds;
    }

    private void addDecodedFinds(List<DecodedRun> runs, int depth, List<DecodedFind> into) {
        for (DecodedRun run : runs) {
            for (Span span : spans(run.text(), depth + 1)) {
                into.add(new DecodedFind(run.text().substring(span.start(), span.end()), span));
            }
        }
    }

    /**
     * {@code written} with a span for every run of {@code text} written in an encoding whose decoded
     * text holds a find ({@link Base64Reading}, {@link HexReading}, {@link Base32Reading}, {@link SpacedOutReading}): the whole run, replaced as its
     * decoded text's first find. A run a written find already covers whole (a token matched as a
     * secret) is not decoded; one a written find covers only in part is, because masking the part
     * would leave the rest of the encoded value readable (the hex of {@code ada01234567@example.com}
     * holds a run of digits that reads as a number on its own): the run and the finds it overlaps
     * become one span.
     */
    private List<Span> withDecodedRuns(String text, List<Span> written, List<DecodedRun> runs, int depth) {
        if (runs.isEmpty()) {
            return written; // most texts: no run, and no iterator made to find that out
        }
        List<Span> spans = written;
        for (DecodedRun run : runs) {
            if (coveredWhole(spans, run.start(), run.end())) {
                continue;
            }
            List<Span> inside = spans(run.text(), depth + 1);
            if (!inside.isEmpty()) {
                spans = spans == written ? new ArrayList<>(written) : spans;
                spans.add(merged(spans, run, inside.getFirst()));
            }
        }
        if (spans != written) {
            spans.sort((a, b) -> Integer.compare(a.start(), b.start()));
        }
        return spans;
    }

    private static boolean coveredWhole(List<Span> spans, int start, int end) {
        for (Span span : spans) {
            if (span.start() <= start && end <= span.end()) {
                return true;
            }
        }
        return false;
    }

    /** One span over {@code run} and every span of {@code spans} it overlaps, which are taken out; replaced as {@code find}. */
    private static Span merged(List<Span> spans, DecodedRun run, Span find) {
        int start = run.start();
        int end = run.end();
        for (var each = spans.iterator(); each.hasNext(); ) {
            Span span = each.next();
            if (span.start() < end && start < span.end()) {
                start = Math.min(start, span.start());
                end = Math.max(end, span.end());
                each.remove();
            }
        }
        return new Span(start, end, find.label(), find.replacement());
    }

    private List<Span> spansAsWritten(String text, TextFacts facts) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<Span> found = detected(text, facts);
        List<WrittenFloats.Found> floats = WrittenFloats.in(text, facts);
        List<WrittenFloats.Found> grouped = GroupedThousands.in(text, facts);
        if (!grouped.isEmpty()) {
            floats = floats.isEmpty() ? grouped : concatenated(floats, grouped);
        }
        List<Span> spans = floats.isEmpty() ? found : withWholeNumbers(found, floats);
        return facts.spelledDigitWords() >= SpelledDigits.MIN_WORDS ? withSpelledNumbers(text, spans) : spans;
    }

    /**
     * {@code found} with the numbers {@code text} spells in words whose digits the detectors find
     * where the words stand ({@link SpelledDigits}): each find that takes in a spelled run is one
     * span over the run as written (and what else the find took in), replaced as the find is. A
     * find overlapping one is merged into it.
     */
    private List<Span> withSpelledNumbers(String text, List<Span> found) {
        SpelledDigits.Reading reading = SpelledDigits.of(text);
        if (reading == null) {
            return found;
        }
        List<Span> spelled = new ArrayList<>(1);
        for (Span span : detected(reading.text(), TextFacts.of(reading.text()))) {
            if (reading.touchesRun(span.start(), span.end())) {
                spelled.add(new Span(reading.writtenStart(span.start()), reading.writtenEnd(span.end()), span.label(),
                        span.replacement()));
            }
        }
        return spelled.isEmpty() ? found : union(found, spelled);
    }

    private static List<WrittenFloats.Found> concatenated(List<WrittenFloats.Found> first, List<WrittenFloats.Found> second) {
        List<WrittenFloats.Found> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /**
     * {@code found} with the whole numbers written as floats or with their thousands grouped whose digits the detectors find: each
     * one span, the whole written number, replaced as its digits are (a card's last four, the
     * pseudonym its integer form gets). A find overlapping one is merged into it.
     */
    private List<Span> withWholeNumbers(List<Span> found, List<WrittenFloats.Found> floats) {
        List<Span> numbers = new ArrayList<>();
        for (WrittenFloats.Found number : floats) {
            List<Span> asDigits = detected(number.digits(), TextFacts.of(number.digits()));
            if (!asDigits.isEmpty()) {
                Span first = asDigits.getFirst();
                numbers.add(new Span(number.start(), number.end(), first.label(), first.replacement()));
            }
        }
        return numbers.isEmpty() ? found : union(found, numbers);
    }

    /**
     * {@code found} and {@code added} in text order, overlapping spans merged into one; a merged
     * span is named and replaced as the first of {@code added} in it, else as its first span.
     */
    private static List<Span> union(List<Span> found, List<Span> added) {
        List<Span> all = new ArrayList<>(added);
        all.addAll(found);
        all.sort(Comparator.comparingInt(Span::start));
        List<Span> merged = new ArrayList<>(all.size());
        for (Span span : all) {
            Span last = merged.isEmpty() ? null : merged.getLast();
            if (last == null || span.start() >= last.end()) {
                merged.add(span);
            } else {
                Span named = added.contains(last) || !added.contains(span) ? last : span;
                merged.set(merged.size() - 1, new Span(last.start(), Math.max(last.end(), span.end()), named.label(),
                        named.replacement()));
            }
        }
        return merged;
    }

    /** What the detectors find in {@code text} as written, merged. */
    private List<Span> detected(String text, TextFacts facts) {
        List<Match> matches = new ArrayList<>();
        int[] ruleOf = null;
        List<Match> cards = List.of();
        for (int r = 0; r < rules.length; r++) {
            if (!rules[r].detector().mayMatch(facts)) {
                continue;
            }
            int before = matches.size();
            if (r == phoneRule && !cards.isEmpty()) {
                ((PhoneDetector) rules[r].detector()).find(text, matches, cards);
            } else {
                rules[r].detector().find(text, matches);
            }
            if (r == cardRule && matches.size() > before) {
                cards = List.copyOf(matches.subList(before, matches.size()));
            }
            if (matches.size() > before) {
                ruleOf = ruleOf == null ? new int[Math.max(8, matches.size())] : ruleOf;
                if (ruleOf.length < matches.size()) {
                    ruleOf = Arrays.copyOf(ruleOf, Math.max(matches.size(), ruleOf.length * 2));
                }
                Arrays.fill(ruleOf, before, matches.size(), r);
            }
        }
        if (matches.isEmpty()) {
            return List.of();
        }
        return merged(text, matches, ruleOf);
    }

    private List<Span> merged(String text, List<Match> matches, int[] ruleOf) {
        if (matches.size() == 1) {
            Match only = matches.get(0);
            return List.of(span(text, only.start(), only.end(), rules[ruleOf[0]]));
        }
        Integer[] order = new Integer[matches.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> matches.get(a).start() != matches.get(b).start()
                ? Integer.compare(matches.get(a).start(), matches.get(b).start())
                : Integer.compare(ruleOf[a], ruleOf[b]));
        List<Span> spans = new ArrayList<>();
        int i = 0;
        while (i < order.length) {
            Match first = matches.get(order[i]);
            Rule rule = rules[ruleOf[order[i]]];
            int start = first.start();
            int end = first.end();
            int j = i + 1;
            while (j < order.length && matches.get(order[j]).start() < end) {
                end = Math.max(end, matches.get(order[j]).end());
                j++;
            }
            spans.add(span(text, start, end, rule));
            i = j;
        }
        return spans;
    }

    private static Span span(String text, int start, int end, Rule rule) {
        return new Span(start, end, rule.label(), rule.strategy().apply(text.substring(start, end),
                rule.detector().type()));
    }
}
