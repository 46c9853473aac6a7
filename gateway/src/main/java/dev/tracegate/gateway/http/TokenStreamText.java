package dev.tracegate.gateway.http;

import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.Replacement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text a stream's events spell together, and the events held back while a value in it may be
 * unfinished. A token stream (an LLM's answer sent as Server-Sent Events) writes its text a few
 * characters per event, as the event's data or as a JSON string at the same place in every event
 * ({@code choices[0].delta.content}, {@code delta.text}), and its reader joins them: to it,
 * {@code 4111 1111} in one event and {@code  1111 1111} in the next are a card number, though
 * neither event holds one. So the pieces at each place are read as one text, and the events that
 * hold its last word (letters, digits and {@code @._%+-/:=~}, with the digit groups before it: a
 * card's, a phone number's) wait for the next; the events before it are passed on once that
 * text, with the end of what was passed on before, has been scanned, a value found replaced in
 * the piece where it starts and cut from the pieces after it, so the reader joins the
 * replacement. A value the scan finds that runs into a waiting event holds back the event it
 * starts in too.
 *
 * <p>Bounded: at most {@link #MAX_EVENTS} events or {@link #MAX_CHARS} characters wait (then all
 * are passed on), a last word longer than {@link #MAX_TAIL} holds nothing, and so does a place
 * that is not being written: one not written by the last {@link #STALE_EVENTS} events (a model's
 * name in a stream's first event), or whose last piece repeats the one before it and holds a
 * letter (an id, a type, a fingerprint that every event carries). Not thread-safe.
 *
 * @param <E> the events, as their writer keeps them
 */
final class TokenStreamText<E> {

    /** The most events held back at once. */
    static final int MAX_EVENTS = 64;
    /** The most characters of text held back at once. */
    static final int MAX_CHARS = 16 * 1024;
    /** The longest last word that holds events back: longer, it is no value's start. */
    static final int MAX_TAIL = 96;
    /** Events after which a place no longer written holds nothing back. */
    static final int STALE_EVENTS = 4;
    /** Characters of each place already passed on that new pieces are scanned with. */
    static final int CONTEXT = 256;
    /** The most places remembered; beyond it those with nothing held are forgotten. */
    private static final int MAX_PLACES = 256;
    private static final String WORD_CHARACTERS = "@._%+-/:=~";
    /** What takes the place of a last word passed on unfinished ({@link #lapse()}). */
    static final String UNFINISHED = "[UNFINISHED]";

    /**
     * One string of an event that its reader joins with the strings at the same place in the
     * events around it.
     *
     * @param place where in the event: its data as text, or a JSON pointer into its data
     */
    record Piece(String place, String value) {
    }

    /**
     * An event passed on.
     *
     * @param values for each of its pieces, its value masked across events, or null when unchanged
     */
    record Released<E>(E event, String[] values) {
        boolean changed() {
            for (String value : values) {
                if (value != null) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One place's text: the end of what was passed on, then the pieces held, from {@code heldFrom}. */
    private static final class Place {
        final StringBuilder text = new StringBuilder();
        int heldFrom;
        String last;
        boolean label;
        long lastWritten;

        boolean holding() {
            return text.length() > heldFrom;
        }
    }

    private final ColumnMasker masker;
    private final int maxScan;
    private final MaskingReport report;
    private final List<E> events = new ArrayList<>();
    private final List<List<Piece>> pieces = new ArrayList<>();
    private final Map<String, Place> places = new LinkedHashMap<>();
    private int heldChars;
    private long added;

    /**
     * @param maxScan the longest text scanned at once (the profile's limit for one value); a place
     *                whose joined text is longer has each piece masked on its own only
     * @param report  counts the values found across events (each piece's own are counted by its masker)
     */
    TokenStreamText(ColumnMasker masker, int maxScan, MaskingReport report) {
        this.masker = masker;
        this.maxScan = maxScan;
        this.report = report;
    }

    /** Adds a dispatched event; returns the events that may be passed on now, in order (none while they wait). */
    List<Released<E>> add(E event, List<Piece> eventPieces) {
        added++;
        events.add(event);
        pieces.add(eventPieces);
        for (Piece piece : eventPieces) {
            Place place = places.computeIfAbsent(piece.place(), p -> new Place());
            place.text.append(piece.value());
            place.label = piece.value().equals(place.last) && holdsLetter(piece.value());
            place.last = piece.value();
            place.lastWritten = added;
            heldChars += piece.value().length();
        }
        boolean full = events.size() >= MAX_EVENTS || heldChars >= MAX_CHARS;
        return release(full ? events.size() : unfinishedFrom(), Map.of());
    }

    /** Whether events are held back. */
    boolean holding() {
        return !events.isEmpty();
    }

    /** The stream ended: every event held, masked across events. */
    List<Released<E>> end() {
        return release(events.size(), Map.of());
    }

    /**
     * The events held have waited as long as they may ({@link HeldTokenStream}): every one is passed
     * on, masked across events as at the stream's end, and each place's unfinished last word that
     * may be a value's start ({@link #mayStartValue}: a card's, a phone number's, an address's first
     * part) and is no value found whole is replaced by {@link #UNFINISHED}. The
     * rest of such a value, should it come, is cut from the events after, as any value whose start
     * was passed on is.
     */
    List<Released<E>> lapse() {
        Map<String, Replacement> unfinished = new LinkedHashMap<>();
        for (Map.Entry<String, Place> entry : places.entrySet()) {
            Place place = entry.getValue();
            int tail = place.holding() && !place.label ? lastWord(place.text) : 0;
            int start = Math.max(place.text.length() - tail, place.heldFrom);
            if (tail > 0 && tail <= MAX_TAIL && mayStartValue(place.text, start)) {
                unfinished.put(entry.getKey(), new Replacement(start, place.text.length(),
                        FallbackReason.UNMASKABLE.name(), UNFINISHED));
            }
        }
        return release(events.size(), unfinished);
    }

    /** {@code found} and then the part of {@code last} (a last word) after every value found; {@code found} alone if none. */
    private static List<Replacement> withUnfinished(List<Replacement> found, Replacement last) {
        if (last == null) {
            return found;
        }
        int from = last.start();
        for (Replacement each : found) {
            from = Math.max(from, each.end());
        }
        if (from >= last.end()) {
            return found;
        }
        List<Replacement> all = new ArrayList<>(found);
        all.add(new Replacement(from, last.end(), last.entity(), last.text()));
        return all;
    }

    /**
     * Whether the word from {@code start} may be the beginning of a value: it holds a digit or an {@code @}, or a mark
     * between two letters or digits, as an address's local part ({@code ada.lovelace}, {@code ada_l}), a key's prefix
     * ({@code sk-live}) or a URL's start does; until 2026-12-07 {@code ada.lovelace} left in clear at the bound, before
     * the {@code @example.com} that was then cut. A plain word ({@code Hello}, {@code up.}) leaves as it is.
     */
    private static boolean mayStartValue(CharSequence text, int start) {
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '@' || Character.isDigit(c) || i > start && i + 1 < text.length() && !Character.isLetterOrDigit(c)
                    && Character.isLetterOrDigit(text.charAt(i - 1)) && Character.isLetterOrDigit(text.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }

    /** The first held event that holds the last word of a place being written; the number of events if none. */
    private int unfinishedFrom() {
        int cut = events.size();
        for (Map.Entry<String, Place> entry : places.entrySet()) {
            Place place = entry.getValue();
            if (!place.holding() || place.label || added - place.lastWritten >= STALE_EVENTS) {
                continue;
            }
            int tail = lastWord(place.text);
            if (tail > 0 && tail <= MAX_TAIL) {
                cut = Math.min(cut, eventAt(entry.getKey(), place.text.length() - tail - place.heldFrom));
            }
        }
        return cut;
    }

    /**
     * The length of the last word of {@code text}: letters, digits and {@link #WORD_CHARACTERS},
     * with the digit groups before it separated by a space or a parenthesis ({@code 4111 1111},
     * {@code (020) 7946}).
     */
    static int lastWord(CharSequence text) {
        int start = text.length();
        while (start > 0) {
            char c = text.charAt(start - 1);
            if (Character.isLetterOrDigit(c) || WORD_CHARACTERS.indexOf(c) >= 0) {
                start--;
            } else if ((c == ' ' || c == '(' || c == ')') && start > 1 && Character.isDigit(text.charAt(start - 2))) {
                start--;
            } else {
                break;
            }
        }
        return text.length() - start;
    }

    /** The held event whose piece at {@code name} holds the held text's character {@code offset} (0 before it). */
    private int eventAt(String name, int offset) {
        int at = 0;
        for (int k = 0; k < pieces.size(); k++) {
            for (Piece piece : pieces.get(k)) {
                if (piece.place().equals(name)) {
                    at += piece.value().length();
                    if (offset < at) {
                        return k;
                    }
                }
            }
        }
        return offset < 0 ? 0 : pieces.size();
    }

    /**
     * Passes on the first {@code cut} held events, or fewer when a value found runs past them;
     * {@code unfinished}, a place's last word to replace where no value found covers it.
     */
    private List<Released<E>> release(int cut, Map<String, Replacement> unfinished) {
        if (cut == 0 || events.isEmpty()) {
            return List.of();
        }
        Map<String, List<Replacement>> found = new LinkedHashMap<>();
        for (Map.Entry<String, Place> entry : places.entrySet()) {
            Place place = entry.getValue();
            List<Replacement> each = place.holding() && place.text.length() <= maxScan
                    ? masker.replacements(place.text.toString(), new MaskingReport()) : List.of();
            each = withUnfinished(each, unfinished.get(entry.getKey()));
            if (!each.isEmpty()) {
                found.put(entry.getKey(), each);
            }
        }
        cut = beforeUnfinishedValues(cut, found);
        if (cut == 0) {
            return List.of();
        }
        String[][] values = new String[cut][];
        for (int k = 0; k < cut; k++) {
            values[k] = new String[pieces.get(k).size()];
        }
        for (Map.Entry<String, Place> entry : places.entrySet()) {
            Place place = entry.getValue();
            if (!place.holding()) {
                continue;
            }
            int cutAt = place.heldFrom + heldLength(entry.getKey(), cut);
            List<Replacement> each = found.getOrDefault(entry.getKey(), List.of());
            if (!each.isEmpty()) {
                mask(entry.getKey(), place, cut, cutAt, each, values);
            }
            int forgotten = Math.max(0, cutAt - CONTEXT);
            place.text.delete(0, forgotten);
            place.heldFrom = cutAt - forgotten;
        }
        List<Released<E>> released = new ArrayList<>(cut);
        for (int k = 0; k < cut; k++) {
            released.add(new Released<>(events.get(k), values[k]));
            for (Piece piece : pieces.get(k)) {
                heldChars -= piece.value().length();
            }
        }
        events.subList(0, cut).clear();
        pieces.subList(0, cut).clear();
        if (places.size() > MAX_PLACES) {
            places.values().removeIf(place -> !place.holding());
        }
        return released;
    }

    /** {@code cut}, or the event where a value found starts when it runs past the events before {@code cut}. */
    private int beforeUnfinishedValues(int cut, Map<String, List<Replacement>> found) {
        if (cut == events.size()) {
            return cut;
        }
        int before;
        do { // an earlier cut can fall inside a value that lay before the later one
            before = cut;
            for (Map.Entry<String, List<Replacement>> entry : found.entrySet()) {
                Place place = places.get(entry.getKey());
                for (Replacement replacement : entry.getValue()) {
                    int start = Math.max(replacement.start(), place.heldFrom) - place.heldFrom;
                    int cutAt = heldLength(entry.getKey(), cut);
                    if (start < cutAt && replacement.end() - place.heldFrom > cutAt) {
                        cut = Math.min(cut, eventAt(entry.getKey(), start));
                    }
                }
            }
        } while (cut != before && cut > 0);
        return cut;
    }

    /** The length of the pieces at {@code name} in the first {@code count} held events. */
    private int heldLength(String name, int count) {
        int length = 0;
        for (int k = 0; k < count; k++) {
            for (Piece piece : pieces.get(k)) {
                if (piece.place().equals(name)) {
                    length += piece.value().length();
                }
            }
        }
        return length;
    }

    /** Writes what the replacements change into the values of the pieces at {@code name} of the first {@code cut} events. */
    private void mask(String name, Place place, int cut, int cutAt, List<Replacement> found, String[][] values) {
        for (Replacement replacement : found) {
            if (replacement.end() > place.heldFrom && Math.max(replacement.start(), place.heldFrom) < cutAt) {
                if (replacement.entity().equals(FallbackReason.UNMASKABLE.name())) { // a word lapse() cut
                    report.fallback(masker.location(), FallbackReason.UNMASKABLE, FallbackAction.REDACT);
                } else {
                    report.count(masker.location(), replacement.entity(), 1);
                }
            }
        }
        int at = place.heldFrom;
        for (int k = 0; k < cut; k++) {
            List<Piece> eventPieces = pieces.get(k);
            for (int j = 0; j < eventPieces.size(); j++) {
                Piece piece = eventPieces.get(j);
                if (piece.place().equals(name)) {
                    values[k][j] = edited(piece.value(), at, found, place.heldFrom);
                    at += piece.value().length();
                }
            }
        }
    }

    /**
     * A piece starting at {@code at} in its place's text with every replacement applied to it: the
     * replacement's text where the replaced span starts (or where the held text starts, for a
     * value whose beginning was passed on already), nothing for the rest of the span. Null when
     * none touches it.
     */
    private static String edited(String value, int at, List<Replacement> found, int heldFrom) {
        StringBuilder edited = null;
        int end = at + value.length();
        for (int r = found.size() - 1; r >= 0; r--) { // from the end, so earlier offsets stay valid
            Replacement replacement = found.get(r);
            int start = Math.max(replacement.start(), heldFrom);
            int from = Math.max(start, at);
            int to = Math.min(replacement.end(), end);
            if (from >= to) {
                continue;
            }
            if (edited == null) {
                edited = new StringBuilder(value);
            }
            edited.replace(from - at, to - at, start >= at ? replacement.text() : "");
        }
        return edited == null ? null : edited.toString();
    }

    private static boolean holdsLetter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isLetter(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
