package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * A value written one unit an element of an array, read as one text: Node's {@code Buffer.toJSON}
 * ({@code {"type": "Buffer", "data": [97, 100, 97, ...]}}), a card's groups ({@code ["4111", "1111",
 * "1111", "1111"]}, {@code [4111, 1111, 1111, 1111]}), an address or a secret as its characters
 * ({@code ["a", "d", "a", ".", ...]}), its code points, and the same in an array written as text (a
 * PostgreSQL array, {@code {4111,1111,1111,1111}}). Each element alone is too short to be anything;
 * a reader sees the value at a glance.
 *
 * <p>A run is the array's consecutive elements that are units: numbers written as integers and
 * strings of at most {@value #MAX_UNIT_CHARS} characters with no white space. Its text is the
 * elements joined as a reader joins them: characters one to an element concatenated ({@code
 * ada.lovelace@example.com}); numbers and longer strings with a space between them, which the
 * detectors read as a card's groups ({@code 4111 1111 1111 1111}) and {@link SpacedOutReading} as
 * bytes or code units ({@code 97 100 97 ...}) or, after the array's name, as digits ({@code card 4 1
 * 1 1 ...}). What the detectors find in that text masks every element of the run. Ordinary arrays
 * stay as they are: ids, small numbers, RGB triples, version parts, years and ports join to nothing a
 * detector finds, and bytes that are no text decode to nothing read.
 *
 * <p>A run holds at most {@value #WINDOW} elements: a longer one (a file's bytes) is read a window at a
 * time, each window with the last {@value #CONTEXT} elements of the one before it (longer than any
 * e-mail address or card), so a value that crosses a window's end is read whole.
 */
final class ElementUnits {

    /** Three: the fewest groups a card is written in (American Express's 4-6-5). */
    static final int MIN_ELEMENTS = 3;
    /** Six: a card's longest group; a byte, a code point or a character is shorter. */
    static final int MAX_UNIT_CHARS = 6;
    /** The most elements a run joined by spaces has: five groups and a word, so a list of numbers is not read as digits. */
    static final int MAX_GROUPS = 6;
    /**
     * Sixteen: the longest string a run holds as a chunk of a value written a few characters an element ({@code
     * ["ada.", "love", "lace@", ...]}, {@code ["4111 11", "11 1111 ", "1111"]}); a longer string is a value of its own.
     */
    static final int MAX_CHUNK_CHARS = 16;
    /** The fewest digits a stretch of groups inside a longer run is read for: the usual cards' 15 and 16, Maestro's 13. */
    private static final int MIN_STRETCH_DIGITS = 13;
    /** The fewest and most digits one to an element a card is written in ({@code [4, 1, 1, 1, ...]}). */
    private static final int MIN_CARD_DIGITS = 12;
    private static final int MAX_CARD_DIGITS = 19;
    static final int WINDOW = 1024;
    static final int CONTEXT = 256;

    private final String[] values = new String[WINDOW];
    private final long[] places = new long[WINDOW];
    private final boolean[] numbers = new boolean[WINDOW];
    private final boolean[] masked = new boolean[WINDOW];
    private int size;
    /** The array's name (its member's), read before digits one to an element as a word before them is. */
    private String name;

    /** One element a find in the run's text masks: where it is and its text. */
    record Element(long place, String value) {
    }

    /** Starts the runs of another array, named {@code name} (null for none). */
    void startArray(String name) {
        this.name = name;
        size = 0;
    }

    /** Whether an element written so is a unit: an integer, or a short string without white space or an array's own marks. */
    static boolean isUnit(String value, boolean integer) {
        int n = value.length();
        if (n == 0 || n > MAX_UNIT_CHARS) {
            return false;
        }
        if (integer) {
            return true;
        }
        for (int k = 0; k < n; k++) {
            char c = value.charAt(k);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',' || c == '{' || c == '}' || c == '"') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a string element is a chunk of a value written a few characters an element: at most {@value
     * #MAX_CHUNK_CHARS} characters, spaces inside allowed (a card's groups cut anywhere), no line breaks or
     * controls. A unit ({@link #isUnit}) is a chunk too.
     */
    static boolean isChunk(String value) {
        int n = value.length();
        if (n == 0 || n > MAX_CHUNK_CHARS || value.isBlank()) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (Character.isISOControl(value.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    boolean isFull() {
        return size == WINDOW;
    }

    int size() {
        return size;
    }

    /** The place of the first element held, from which a stream must still hold its output. */
    long firstPlace() {
        return places[0];
    }

    void add(String value, long place, boolean number) {
        values[size] = value;
        places[size] = place;
        numbers[size] = number;
        masked[size] = false;
        size++;
    }

    /**
     * The run's texts as a reader reads them, the likeliest first: its numbers as bytes of UTF-8 text or as code
     * points ({@code 97, 100, 97, ...}); its characters one after another ({@code a, d, a, ...}); a short run (a
     * card's groups, {@code 4111 1111 1111 1111}) joined by spaces after the array's name. Empty when the run is too
     * short or reads as no text.
     */
    List<String> texts() {
        if (size < MIN_ELEMENTS) {
            return List.of();
        }
        List<String> texts = new ArrayList<>(2);
        String decoded = decoded();
        if (decoded != null) {
            texts.add(decoded);
        }
        if (characters() >= SpacedOutReading.MIN_UNITS) {
            StringBuilder joined = new StringBuilder(size + 16);
            for (int k = 0; k < size; k++) {
                boolean character = isCharacter(k);
                joined.append(character || k == 0 ? "" : " ").append(values[k]).append(character ? "" : " ");
            }
            texts.add(joined.toString());
        }
        if (size <= MAX_GROUPS && cardGroups(values, size)) {
            texts.add(joined(values, size, name));
        } else {
            groupsAmongOthers(values, size, name, texts);
        }
        String chunks = chunksJoined();
        if (chunks != null) {
            texts.add(chunks);
        }
        String digits = digitsOneAnElement();
        if (digits != null) {
            texts.add(digits);
        }
        return texts;
    }

    /**
     * The run's strings joined as they are, with nothing between them, when they are chunks of a value cut anywhere:
     * {@code ["ada.", "love", "lace@", "exam", "ple.com"]} is {@code ada.lovelace@example.com}, {@code ["4111 11",
     * "11 1111 ", "1111"]} a card. Read only when a chunk may be a piece of what the detectors find, so an array of
     * tags or words costs a look at each: an {@code @} in one, a credential's start ({@link
     * SplitAcrossCells#mayStartCredential}), or digits cut inside a group (a chunk holding a space or a hyphen
     * between two digits, with twelve digits or more in the run). Null when none; numbers stay apart (read above).
     */
    private String chunksJoined() {
        return chunksJoined(values, numbers, size);
    }

    /** {@link #chunksJoined()} over {@code size} elements, {@code numbers} telling which are numbers (null: none). */
    static String chunksJoined(String[] values, boolean[] numbers, int size) {
        boolean longer = false;
        boolean mayBePiece = false;
        boolean cutGroups = false;
        int digits = 0;
        for (int k = 0; k < size; k++) {
            String value = values[k];
            if ((numbers != null && numbers[k])) {
                continue;
            }
            longer |= value.length() > 1;
            int own = 0;
            boolean separated = false;
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                own += ch >= '0' && ch <= '9' ? 1 : 0;
                separated |= (ch == ' ' || ch == '-') && c > 0 && c + 1 < value.length() && isDigit(value.charAt(c - 1))
                        && isDigit(value.charAt(c + 1)); // a group's edge inside the chunk ("4111 11"), not a word's ("Bugs 36")
                mayBePiece |= ch == '@';
            }
            digits += own;
            cutGroups |= own > 0 && separated;
            mayBePiece = mayBePiece || (value.length() > 1 && SplitAcrossCells.mayStartCredential(value));
        }
        if (!longer || !(mayBePiece || (cutGroups && digits >= MIN_CARD_DIGITS))) {
            return null;
        }
        StringBuilder joined = new StringBuilder(size * 6);
        for (int k = 0; k < size; k++) {
            joined.append((numbers != null && numbers[k]) ? " " + values[k] + " " : values[k]);
        }
        return joined.toString();
    }

    /**
     * A card's digits one an element, as integers ({@code [4, 1, 1, 1, ...]}; as strings they are characters, read
     * above): a run of twelve to nineteen single digits, the card's length, read as one number by the card detector
     * (issuer range and Luhn). A longer run (flags, a histogram) joins to no card's length.
     */
    private String digitsOneAnElement() {
        for (int k = 0; k < size; k++) {
            if (!numbers[k]) {
                return null;
            }
        }
        return singleDigits(values, size);
    }

    /** Twelve to nineteen elements that are single digits, joined as one number; else null. */
    static String singleDigits(String[] values, int size) {
        if (size < MIN_CARD_DIGITS || size > MAX_CARD_DIGITS) {
            return null;
        }
        StringBuilder digits = new StringBuilder(size);
        for (int k = 0; k < size; k++) {
            char c = values[k].charAt(0);
            if (values[k].length() != 1 || c < '0' || c > '9') {
                return null;
            }
            digits.append(c);
        }
        return digits.toString();
    }

    /**
     * A card's groups inside a longer run, set apart by elements of another shape ({@code [7, 4111, 1111, 1111, 1111,
     * 9]}): each stretch of {@value #MIN_ELEMENTS} to {@value #MAX_GROUPS} consecutive numbers of three to six digits,
     * no longer, of {@value #MIN_STRETCH_DIGITS} digits or more together (so three groups of four, a text's digits
     * listed, stay), joined by spaces after the array's name. A longer stretch (a list of ids or years) is read as no card,
     * as a short run of its own is not, so a stretch is as likely a card by chance as such a run.
     */
    static void groupsAmongOthers(String[] values, int size, String name, List<String> texts) {
        int from = 0;
        while (from < size) {
            int to = from;
            while (to < size && isGroup(values[to])) {
                to++;
            }
            if (to - from >= MIN_ELEMENTS && to - from <= MAX_GROUPS && digits(values, from, to) >= MIN_STRETCH_DIGITS) {
                texts.add(joined(java.util.Arrays.copyOfRange(values, from, to), to - from, name));
            }
            from = Math.max(to, from + 1);
        }
    }

    private static int digits(String[] values, int from, int to) {
        int digits = 0;
        for (int k = from; k < to; k++) {
            digits += values[k].length();
        }
        return digits;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether a unit is a number of three to six digits, as a card's groups are printed. */
    private static boolean isGroup(String value) {
        return value.length() >= 3 && value.length() <= 6 && isDigits(value) && value.charAt(0) != '-';
    }

    /**
     * Whether the numbers among {@code values} are shaped as a card's groups are printed, three to six digits each
     * (as {@link SplitAcrossCells} reads a row's cells): {@code [4003, 7051, 3847, 7, 49, 30]}, a text's digits
     * listed, is no card.
     */
    static boolean cardGroups(String[] values, int size) {
        int groups = 0;
        for (int k = 0; k < size; k++) {
            if (isDigits(values[k])) {
                if (values[k].length() < 3 || values[k].length() > 6) {
                    return false;
                }
                groups++;
            }
        }
        return groups >= MIN_ELEMENTS;
    }

    /** How many elements are strings of one character: a value's characters, one an element, joined with nothing between. */
    private int characters() {
        int characters = 0;
        for (int k = 0; k < size; k++) {
            characters += isCharacter(k) ? 1 : 0;
        }
        return characters;
    }

    private boolean isCharacter(int k) {
        return !numbers[k] && values[k].codePointCount(0, values[k].length()) == 1;
    }

    /** The run's numbers as UTF-8 bytes or code points, when every element is one and they read as text; else null. */
    private String decoded() {
        if (size < SpacedOutReading.MIN_UNITS) {
            return null;
        }
        int largest = 0;
        int smallest = 0;
        int[] codes = new int[size];
        boolean hex = allHexBytes();
        for (int k = 0; k < size; k++) {
            codes[k] = hex ? Integer.parseInt(values[k].substring(values[k].length() - 2), 16) : code(values[k]);
            if (codes[k] == Integer.MIN_VALUE) {
                return null;
            }
            largest = Math.max(largest, codes[k]);
            smallest = Math.min(smallest, codes[k]);
        }
        if (largest <= 0xff && smallest >= Byte.MIN_VALUE) {
            byte[] bytes = new byte[size];
            for (int k = 0; k < size; k++) {
                bytes[k] = (byte) codes[k]; // Java prints a byte array signed: [97, -61, -87] is "aé"
            }
            return DecodedRun.readable(bytes);
        }
        StringBuilder text = new StringBuilder(size);
        boolean surrogates = false;
        for (int code : codes) {
            if (code < 0x20 || code > Character.MAX_CODE_POINT) {
                return null;
            }
            surrogates |= code <= 0xffff && Character.isSurrogate((char) code);
            text.appendCodePoint(code); // UTF-16 code units as JavaScript's charCodeAt lists them: a pair reads as one character
        }
        // a surrogate left alone is no character: a stand-in keeps the text around it readable
        return surrogates ? text.toString().replaceAll("\\p{Cs}", "\uFFFD") : text.toString();
    }

    /**
     * Whether every element is a byte in hex, two hex digits (after a prefix or not) and one at least with a letter:
     * {@code ["61", "64", "61", "40", "6d", ...]} is hex throughout, its {@code "61"} no decimal 61.
     */
    private boolean allHexBytes() {
        boolean letter = false;
        for (int k = 0; k < size; k++) {
            String value = values[k];
            int from = value.startsWith("0x") || value.startsWith("0X") || value.startsWith("\\x") ? 2 : 0;
            if (numbers[k] || value.length() - from != 2 || !HexReading.isHexDigit(value.charAt(from))
                    || !HexReading.isHexDigit(value.charAt(from + 1))) {
                return false;
            }
            letter |= !Character.isDigit(value.charAt(from)) || !Character.isDigit(value.charAt(from + 1));
        }
        return letter;
    }

    /**
     * The number a unit writes: decimal, signed or not, or a byte in hex as programs print one ({@code "0x61"},
     * {@code "\\x61"}, {@code "2e"}: two hex digits with a letter, or after a prefix); {@link Integer#MIN_VALUE} when
     * none.
     */
    private static int code(String value) {
        if (isDigits(value)) {
            return value.length() > 7 ? Integer.MIN_VALUE : Integer.parseInt(value);
        }
        int from = value.startsWith("0x") || value.startsWith("0X") || value.startsWith("\\x") ? 2 : 0;
        if (value.length() - from != 2 || !HexReading.isHexDigit(value.charAt(from)) || !HexReading.isHexDigit(value.charAt(from + 1))) {
            return Integer.MIN_VALUE;
        }
        return Integer.parseInt(value.substring(from), 16);
    }

    /** The elements of the run not masked yet, each then counted as masked. */
    List<Element> toMask() {
        List<Element> elements = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            if (!masked[k]) {
                masked[k] = true;
                elements.add(new Element(places[k], values[k]));
            }
        }
        return elements;
    }

    /** Counts the element at {@code place} as masked already (a record's piece, {@link RecordPieces}): never replaced twice. */
    void maskedAt(long place) {
        for (int k = size - 1; k >= 0; k--) {
            if (places[k] == place) {
                masked[k] = true;
                return;
            }
        }
    }

    /** Ends the run: the next unit starts another. */
    void end() {
        size = 0;
    }

    /** Ends a full window: its last {@value #CONTEXT} elements begin the next, read with it. */
    void slide() {
        int from = size - CONTEXT;
        System.arraycopy(values, from, values, 0, CONTEXT);
        System.arraycopy(places, from, places, 0, CONTEXT);
        System.arraycopy(numbers, from, numbers, 0, CONTEXT);
        System.arraycopy(masked, from, masked, 0, CONTEXT);
        size = CONTEXT;
    }

    /** The elements joined by spaces, after {@code name} when there is one: {@code card 4111 1111 1111 1111}. */
    static String joined(String[] values, int size, String name) {
        StringBuilder text = new StringBuilder(size * 5 + 16);
        if (name != null) {
            text.append(name).append(' ');
        }
        for (int k = 0; k < size; k++) {
            text.append(k > 0 ? " " : "").append(values[k]);
        }
        return text.toString();
    }

    /**
     * The arrays written as text in {@code text} whose elements are units, each with what its elements
     * joined read: {@code {4111,1111,1111,1111}} (PostgreSQL), {@code [4111, 1111, 1111, 1111]}, quoted
     * elements too. Only a text holding a bracket and a comma pays for more than a look.
     */
    static List<DecodedRun> in(String text) {
        if (text.indexOf('[') < 0 && text.indexOf('{') < 0) {
            return List.of(); // most texts: no bracket, told by the JDK's vectorised search rather than a look at each character
        }
        List<DecodedRun> runs = null;
        int n = text.length();
        for (int open = 0; open < n; open++) {
            char c = text.charAt(open);
            if (c != '{' && c != '[') {
                continue;
            }
            char close = c == '{' ? '}' : ']';
            int end = closing(text, open + 1, close);
            if (end < 0) {
                continue;
            }
            String read = elementsRead(text, open + 1, end);
            if (read != null) {
                runs = runs == null ? new ArrayList<>(1) : runs;
                runs.add(new DecodedRun(open, end + 1, read));
            }
        }
        return runs == null ? List.of() : runs;
    }

    /** Where {@code close} ends the array opened before {@code from}, looked for as far as a window of units reaches, or -1. */
    private static int closing(String text, int from, char close) {
        int last = Math.min(text.length(), from + WINDOW * (MAX_UNIT_CHARS + 4));
        for (int k = from; k < last; k++) {
            char c = text.charAt(k);
            if (c == close) {
                return k;
            }
            if (c == '{' || c == '[' || c == '\n') {
                return -1; // nested, or over a line: no array of units
            }
        }
        return -1;
    }

    /** What the comma-separated elements between {@code from} and {@code to} read joined, or null when they are no units. */
    private static String elementsRead(String text, int from, int to) {
        List<String> elements = new ArrayList<>();
        boolean units = true;
        boolean chunks = true;
        int start = from;
        while (start <= to) {
            int comma = text.indexOf(',', start);
            int stop = comma < 0 || comma > to ? to : comma;
            String element = unquoted(text.substring(start, stop).strip());
            if (!isUnit(element, false)) {
                chunks &= isChunk(element) && element.indexOf('"') < 0;
                if (!chunks) {
                    return null;
                }
                units = false;
            }
            elements.add(element);
            start = stop + 1;
        }
        if (!units) { // a value cut into chunks an element ({ada.,love,lace@,exam,ple.com}): only joined as they are
            String[] values = elements.toArray(String[]::new);
            return values.length < 2 ? null : chunksJoined(values, null, values.length);
        }
        // SpacedOutReading reads a text's longer runs of characters and bytes; what is left is a card's groups, its
        // digits one an element ({4,1,1,1,...}), or its groups among other numbers ({7,4111,1111,1111,1111,9})
        String[] values = elements.toArray(String[]::new);
        if (values.length >= MIN_ELEMENTS && values.length <= MAX_GROUPS && cardGroups(values, values.length)) {
            return joined(values, values.length, null);
        }
        String digits = singleDigits(values, values.length);
        if (digits != null) {
            return digits;
        }
        List<String> stretches = new ArrayList<>(1);
        groupsAmongOthers(values, values.length, null, stretches);
        return stretches.isEmpty() ? null : String.join(" | ", stretches);
    }

    /** Whether a unit is written in digits (a sign before them allowed): a number, joined with spaces, never a character. */
    static boolean isDigits(String value) {
        int k = value.startsWith("-") ? 1 : 0;
        if (k == value.length()) {
            return false;
        }
        for (; k < value.length(); k++) {
            if (value.charAt(k) < '0' || value.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String unquoted(String element) {
        int n = element.length();
        if (n >= 2 && (element.charAt(0) == '"' || element.charAt(0) == '\'') && element.charAt(n - 1) == element.charAt(0)) {
            return element.substring(1, n - 1);
        }
        return element;
    }
}
