package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.TextFacts;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * E-mail addresses as people write them: a local part of letters, digits and {@code ._%+-'}, an
 * {@code @}, and a domain of at least two labels whose last one is alphabetic (or an IDN {@code
 * xn--} label). Internationalised letters are accepted on both sides. The scan jumps from {@code @}
 * to {@code @}; local part and domain are read at most 64 and 255 characters away from it, so the
 * cost stays linear whatever surrounds the {@code @}.
 */
public final class EmailDetector implements Detector {

    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 255;
    /** Characters of an IPv6 address with an embedded IPv4 one, the longest address literal. */
    private static final int MAX_ADDRESS_LITERAL = 45;

    /** Image names like {@code icon@2x.png} have the shape of an address; these endings are no TLD. */
    private static final Set<String> FILE_ENDINGS = Set.of(
            "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tiff", "heic", "avif");

    /**
     * The scan starts at an {@code @} or another spelling of one (see {@link TextFacts#atSpelling}):
     * a text with none is not read at all.
     */
    @Override
    public boolean mayMatch(TextFacts facts) {
        return facts.atSpelling();
    }

    @Override
    public EntityType type() {
        return EntityType.EMAIL;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        int n = text.length();
        int lastEnd = 0;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c >= 128 || !SEPARATOR_STARTS[c]) {
                i++;
                continue;
            }
            long separator = separatorAt(text, i);
            if (separator < 0) {
                i++;
                continue;
            }
            int separatorEnd = (int) (separator >>> 1);
            boolean spelledOut = (separator & 1) != 0;
            boolean spaced = c == '@' && isSpacedAt(text, i);
            if (spaced) {
                separatorEnd = skipSpace(text, separatorEnd);
            }
            int localEnd = spaced && text.charAt(i - 1) == ' ' ? i - 1 : localEnd(text, i, spelledOut);
            if (c == '@' && !spaced) {
                localEnd = commentStart(text, localEnd, lastEnd);
                separatorEnd = commentEnd(text, separatorEnd);
            }
            int end = domainEnd(text, separatorEnd, spelledOut);
            int start = end > 0 ? addressStart(text, localEnd, lastEnd, spelledOut) : -1;
            boolean spacedDot = !spelledOut && start >= 0 && holdsSpacedDot(text, separatorEnd, end);
            if ((spelledOut || spaced || spacedDot) && start >= 0 && !readsAsAddress(text, start, localEnd, end)) {
                start = -1;
            }
            if (start >= 0 && isStandIn(text, i) && !(readsAsAddress(text, start, localEnd, end) && joinedWords(text, start, localEnd)
                    && (c != '_' || holdsDot(text, start, localEnd)))) {
                start = -1; // a glued stand-in for the @ counts after a local part no identifier or prose word has
            }
            if (start < 0 && spelledOut) {
                int plainEnd = domainEnd(text, separatorEnd, false);
                int plainStart = plainEnd > 0 ? localStart(text, localEnd, lastEnd) : -1;
                if (plainStart >= 0 && AtWordAddresses.marksAnAddress(text, plainStart, localEnd, i, plainEnd)
                        && readsAsAddress(text, plainStart, localEnd, plainEnd)) {
                    start = plainStart;
                    end = plainEnd;
                }
            }
            if (start < 0 && c == '@' && !spaced) {
                end = reversedAddressEnd(text, i);
                start = end > 0 ? reversedAddressStart(text, i, lastEnd) : -1;
            }
            if (start >= 0) {
                out.add(new Match(start, end, EntityType.EMAIL));
                lastEnd = end;
                i = end;
            } else {
                i = separatorEnd > i ? (c == ' ' ? i + 1 : separatorEnd) : i + 1;
            }
        }
    }

    /**
     * The characters a spelling of {@code @} starts with: {@code @ % & \ ( [ { <}, the space before
     * " at ", and the {@code =} of quoted-printable's {@code =40} (a MIME body).
     */
    private static final boolean[] SEPARATOR_STARTS = new boolean[128];

    static {
        for (char c : "@%&\\([{< =_".toCharArray()) {
            SEPARATOR_STARTS[c] = true;
        }
    }

    /** Words that stand before "at" in prose: "we met at", "is at", "look at". */
    private static final Set<String> PROSE_BEFORE_AT = Set.of(
            "i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "is", "am", "are", "was",
            "were", "be", "been", "being", "met", "meet", "meets", "look", "looks", "looked", "arrive", "arrived",
            "arrives", "stay", "stayed", "work", "works", "worked", "live", "lives", "lived", "based", "located",
            "available", "here", "there", "not", "only", "just", "also", "still", "all", "one", "out", "up", "down",
            "deploy", "deployed", "running", "runs", "run", "hosted", "held", "seen", "see", "and", "or", "but",
            "the", "a", "an", "this", "that", "both", "even", "once", "again", "start", "starts", "end", "ends");
    /** Top-level domains that people spell out besides the two-letter country codes. */
    private static final Set<String> SPELLED_OUT_TLDS = Set.of(
            "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "app", "dev", "tech",
            "online", "site", "xyz", "email", "mail", "cloud", "shop", "store", "museum", "travel", "mobi");

    /** The second-level domains under a country's that registries hand out: {@code co.uk}, {@code com.au}, {@code ac.jp}. */
    private static final Set<String> SECOND_LEVELS = Set.of("co", "ac", "com", "org", "net", "gov", "edu");

    /** Spellings of {@code @} and of a domain's dot written so that a reader, a browser or a decoder sees one. */
    private static final String[] ENCODED_ATS = {"%40", "&#64;", "&#064;", "&#x40;", "&commat;", "\\u0040", "\\x40", "=40"};
    private static final String[] ENCODED_DOTS = {"%2e", "&#46;", "&#046;", "&#x2e;", "&period;", "\\u002e", "\\x2e", "=2e"};
    /**
     * Obfuscations people type: {@code alice(at)example(dot)com}, {@code alice [at] example [.] com}, {@code
     * alice [ at ] example [ dot ] com}.
     */
    private static final String[] BRACKETED_ATS = {"(at)", "[at]", "{at}", "<at>", "( at )", "[ at ]", "{ at }", "< at >",
        "[@]", "(@)", "{@}", "[ @ ]", "( @ )"};
    private static final String[] BRACKETED_DOTS = {"(dot)", "[dot]", "{dot}", "<dot>", "[.]", "(.)", "{.}", "( dot )",
        "[ dot ]", "{ dot }", "< dot >", "[ . ]", "( . )"};

    /**
     * The spelling of {@code @} at {@code i}, packed as {@code end << 1 | spelledOut}, or -1. A
     * spelled-out one ({@code alice at example dot com}) is an address only when its domain spells
     * out a dot too, so that "look at example.com" stays prose.
     */
    private static long separatorAt(CharSequence text, int i) {
        char c = text.charAt(i);
        if (c == '@') {
            return (long) (i + 1) << 1;
        }
        if (c == ' ') {
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (next != 'a' && next != 'A') {
                return -1; // most spaces: no " at " here
            }
            int end = spacedWordEnd(text, i, "at");
            return end > 0 ? ((long) end << 1) | 1 : -1;
        }
        if (c == '%' || c == '&' || c == '\\' || c == '=') {
            for (String at : ENCODED_ATS) {
                if (regionMatches(text, i, at)) {
                    return (long) (i + at.length()) << 1;
                }
            }
            // a browser reads a numeric reference without its ";" too
            if (regionMatches(text, i, "&#64") && !Chars.isDigitAt(text, i + 4)) {
                return (long) (i + 4) << 1;
            }
            return regionMatches(text, i, "&#x40") && !Chars.isHexDigitAt(text, i + 5) ? (long) (i + 5) << 1 : -1;
        }
        for (String at : BRACKETED_ATS) {
            if (regionMatches(text, i, at)) {
                return (long) skipSpace(text, i + at.length()) << 1;
            }
        }
        return isStandIn(text, i) ? (long) (i + 3 + (c == '_' ? 1 : 0)) << 1 : -1;
    }

    /**
     * Whether a stand-in for the {@code @} glued between a local part and a domain is at {@code i}: {@code (a)},
     * {@code [a]}, {@code {a}} ({@code ada.lovelace(a)example.com}) or {@code _at_} ({@code ada.lovelace_at_example.com}),
     * as people write an address to keep crawlers off. Glued on both sides, and read as an address only after a local
     * part of joined words ({@link #joinedWords}) and before a domain with a top-level domain people write
     * ({@link #readsAsAddress}): {@code f(a)x.y} in code and {@code value_at_risk} stay.
     */
    private static boolean isStandIn(CharSequence text, int i) {
        char c = text.charAt(i);
        int n = text.length();
        boolean bracketed = (c == '(' || c == '[' || c == '{') && i + 3 < n && (text.charAt(i + 1) | 0x20) == 'a'
                && text.charAt(i + 2) == (c == '(' ? ')' : c == '[' ? ']' : '}');
        boolean underscored = c == '_' && regionMatches(text, i, "_at_");
        int after = i + (underscored ? 4 : 3);
        return (bracketed || underscored) && i > 0 && isLocalChar(text.charAt(i - 1)) && text.charAt(i - 1) != '_'
                && after < n && isLabelChar(text.charAt(after));
    }

    /**
     * Whether a dot joins words of the local part: {@code _at_} counts after {@code ada.lovelace}, not after an
     * identifier's words joined by underscores ({@code name_to_handle_at_flags.in} in a changelog).
     */
    private static boolean holdsDot(CharSequence text, int start, int end) {
        for (int k = start + 1; k < end - 1; k++) {
            if (text.charAt(k) == '.') {
                return true;
            }
        }
        return false;
    }

    /** Whether the local part from {@code start} to {@code end} is words joined by dots, underscores or a {@code +}: {@code ada.lovelace}. */
    private static boolean joinedWords(CharSequence text, int start, int end) {
        int words = 1;
        for (int k = start + 1; k < end - 1; k++) {
            char c = text.charAt(k);
            words += (c == '.' || c == '_' || c == '+') && Chars.isAsciiAlnum(text.charAt(k - 1)) && Chars.isAsciiAlnum(text.charAt(k + 1)) ? 1 : 0;
        }
        return words >= 2;
    }

    /**
     * Whether a spelled-out address ({@code tom at home dot nl}) reads as one rather than as prose
     * ("we met at Starbucks dot com", "deploy at prod dot cluster"): the word before "at" is no
     * pronoun or verb, and the domain ends in a top-level domain people write out.
     */
    private static boolean readsAsAddress(CharSequence text, int start, int at, int end) {
        String local = text.subSequence(start, at).toString().toLowerCase(Locale.ROOT);
        if (PROSE_BEFORE_AT.contains(local)) {
            return false;
        }
        return endsInWrittenTopLevel(text, end);
    }

    /**
     * Whether the letters before {@code end} (after a dot or not) are a top-level domain people write out: two
     * letters or a common one ({@code com}, {@code org}, ...). A dotted word ending so reads as a domain.
     */
    public static boolean endsInWrittenTopLevel(CharSequence text, int end) {
        int tldStart = end;
        while (tldStart > 0 && Chars.isAsciiLetter(text.charAt(tldStart - 1))) {
            tldStart--;
        }
        String tld = text.subSequence(tldStart, end).toString().toLowerCase(Locale.ROOT);
        return tld.length() == 2 || SPELLED_OUT_TLDS.contains(tld);
    }

    /**
     * Whether the {@code @} at {@code i} has a space after it, and a word before it with or
     * without a space ({@code alice @ example.com}, {@code alice@ example.com}): people type it so to
     * keep crawlers off. A space before it only is a handle ({@code follow @acme.io}), unless the word before
     * it is words joined by dots, underscores or a {@code +} ({@code ada.lovelace @example.com}). Such an
     * address must read as one ({@link #readsAsAddress}), so that {@code a @ b.shape} in code and
     * {@code meet @ noon.} stay what they are.
     */
    private static boolean isSpacedAt(CharSequence text, int i) {
        boolean after = i + 2 < text.length() && text.charAt(i + 1) == ' ' && isLabelChar(text.charAt(i + 2));
        boolean word = i > 0 && isLocalChar(text.charAt(i - 1));
        boolean spacedWord = i > 1 && text.charAt(i - 1) == ' ' && isLocalChar(text.charAt(i - 2));
        return after && (word || spacedWord) || spacedWord && i + 1 < text.length() && isLabelChar(text.charAt(i + 1))
                && joinedWords(text, wordStart(text, i - 1), i - 1);
    }

    /** Where the word of local characters that ends at {@code end} starts. */
    private static int wordStart(CharSequence text, int end) {
        int start = end;
        while (start > 0 && end - start < MAX_LOCAL && isLocalChar(text.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    /** {@code " at "} (any case) at {@code i}: the end after its trailing space, or -1. */
    private static int spacedWordEnd(CharSequence text, int i, String word) {
        int end = i + 1 + word.length();
        return end < text.length() && text.charAt(end) == ' ' && regionMatches(text, i + 1, word) ? end + 1 : -1;
    }

    private static int skipSpace(CharSequence text, int i) {
        return i < text.length() && text.charAt(i) == ' ' ? i + 1 : i;
    }

    /**
     * Where an address written backwards whose {@code @} is at {@code at} ends ({@code
     * moc.elpmaxe@ada}, which a reader who reverses the text, or a display that does, reads as {@code
     * ada@example.com}), or -1: after the {@code @}, a local part without a dot (with one, the
     * forward reading already takes {@code ecalevol.ada} for a domain), not glued to a word.
     */
    private static int reversedAddressEnd(CharSequence text, int at) {
        int n = text.length();
        int limit = Math.min(n, at + 1 + MAX_LOCAL);
        int p = at + 1;
        while (p < limit && isLocalChar(text.charAt(p)) && text.charAt(p) != '.') {
            p++;
        }
        return p > at + 1 && (p >= n || !(Chars.isWordChar(text.charAt(p)) || text.charAt(p) == '@'
                || (text.charAt(p) == '.' && p + 1 < n && isLabelChar(text.charAt(p + 1))))) ? p : -1;
    }

    /**
     * Where an address written backwards starts, its domain before the {@code @} at {@code at}, or
     * -1: labels joined by dots, the first of which reads backwards as a top-level domain people write
     * out ({@code moc}, {@code gro}); a two-letter one only before a second-level domain such as
     * {@code co} ({@code ku.oc.elpmaxe@ada}), since {@code ed.smith@host} is a user at a host. Not
     * glued to a word.
     */
    private static int reversedAddressStart(CharSequence text, int at, int floor) {
        int limit = Math.max(floor, at - MAX_DOMAIN);
        int s = at;
        while (s > limit && (isLabelChar(text.charAt(s - 1)) || text.charAt(s - 1) == '.')) {
            s--;
        }
        if (s == at || (s > 0 && (isLocalChar(text.charAt(s - 1)) || text.charAt(s - 1) == '@'))) {
            return -1;
        }
        int labels = 0;
        int labelStart = s;
        String reversedTld = null;
        String reversedSecond = null;
        for (int p = s; p <= at; p++) {
            if (p < at && text.charAt(p) != '.') {
                continue;
            }
            if (p - labelStart < 1 || p - labelStart > 63 || text.charAt(labelStart) == '-' || text.charAt(p - 1) == '-') {
                return -1;
            }
            String reversed = labels < 2 ? new StringBuilder(text.subSequence(labelStart, p)).reverse().toString()
                    .toLowerCase(Locale.ROOT) : null;
            reversedTld = labels == 0 ? reversed : reversedTld;
            reversedSecond = labels == 1 ? reversed : reversedSecond;
            labels++;
            labelStart = p + 1;
        }
        boolean topLevel = reversedTld.length() == 2
                ? labels >= 3 && isTopLevel(reversedTld, 0, 2) && SECOND_LEVELS.contains(reversedSecond)
                : SPELLED_OUT_TLDS.contains(reversedTld);
        return labels >= 2 && topLevel ? s : -1;
    }

    /**
     * The start of an RFC 5322 comment that ends at {@code end} ({@code ada(home)@example.com}: mail
     * software drops it and reads {@code ada@example.com}), or {@code end} when there is none: a
     * parenthesis holding no parenthesis, {@code @} or line break, within a local part's length, after
     * a local part (a quoted one too).
     */
    private static int commentStart(CharSequence text, int end, int floor) {
        if (end < 1 || text.charAt(end - 1) != ')') {
            return end;
        }
        int limit = Math.max(floor, end - MAX_LOCAL - 2);
        for (int p = end - 2; p > limit; p--) {
            char c = text.charAt(p);
            if (c == '(') {
                return isLocalChar(text.charAt(p - 1)) || text.charAt(p - 1) == '"' ? p : end;
            }
            if (c == ')' || c == '@' || c == '\n' || c == '\r') {
                return end;
            }
        }
        return end;
    }

    /** The end of an RFC 5322 comment that starts at {@code start} ({@code ada@(home)example.com}), or {@code start}. */
    private static int commentEnd(CharSequence text, int start) {
        if (start >= text.length() || text.charAt(start) != '(') {
            return start;
        }
        int limit = Math.min(text.length(), start + MAX_LOCAL + 2);
        for (int p = start + 1; p < limit; p++) {
            char c = text.charAt(p);
            if (c == ')') {
                return p + 1 < text.length() && isLabelChar(text.charAt(p + 1)) ? p + 1 : start;
            }
            if (c == '(' || c == '@' || c == '\n' || c == '\r') {
                return start;
            }
        }
        return start;
    }

    /** Where the local part before the separator at {@code i} ends: a bracketed one may have a space before it. */
    private static int localEnd(CharSequence text, int i, boolean spelledOut) {
        char c = text.charAt(i);
        return !spelledOut && (c == '(' || c == '[' || c == '{' || c == '<') && i > 0 && text.charAt(i - 1) == ' ' ? i - 1 : i;
    }

    /** The dot of a domain at {@code i}, written plainly (or set off by spaces), encoded or spelled out: its end, or -1. */
    private static int dotEnd(CharSequence text, int i, boolean spelledOutOnly) {
        char c = text.charAt(i);
        if (c == '.' && !spelledOutOnly) {
            return i + 1;
        }
        if (c == ' ') {
            int end = spacedWordEnd(text, i, "dot");
            if (end > 0) {
                return end;
            }
            if (!spelledOutOnly && regionMatches(text, i, " . ") && !startsSentence(text, i + 3)) {
                return i + 3;
            }
            int bracket = i + 1;
            return bracket < text.length() && text.charAt(bracket) != ' ' && bracketedDotEnd(text, bracket) > 0
                    ? skipSpace(text, bracketedDotEnd(text, bracket)) : -1;
        }
        if (!spelledOutOnly) {
            for (String dot : ENCODED_DOTS) {
                if (regionMatches(text, i, dot)) {
                    return i + dot.length();
                }
            }
        }
        int end = bracketedDotEnd(text, i);
        return end > 0 ? skipSpace(text, end) : -1;
    }

    /**
     * Whether the domain between {@code from} and {@code end} has a dot set off by spaces ({@code ada @ example
     * . com}, typed so to keep crawlers off): such an address must read as one ({@link #readsAsAddress}) as a
     * spelled-out one must, since a sentence can end after a word and an {@code @} ({@code at x@y . It}).
     */
    private static boolean holdsSpacedDot(CharSequence text, int from, int end) {
        for (int p = from; p + 2 < end; p++) {
            if (text.charAt(p) == ' ' && text.charAt(p + 1) == '.' && text.charAt(p + 2) == ' ') {
                return true;
            }
        }
        return false;
    }

    /** A capital and a small letter at {@code i}: after a dot set off by spaces, a sentence ({@code ada@host . It failed}). */
    private static boolean startsSentence(CharSequence text, int i) {
        return i + 1 < text.length() && Character.isUpperCase(text.charAt(i)) && Character.isLowerCase(text.charAt(i + 1));
    }

    private static int bracketedDotEnd(CharSequence text, int i) {
        for (String dot : BRACKETED_DOTS) {
            if (regionMatches(text, i, dot)) {
                return i + dot.length();
            }
        }
        return -1;
    }

    private static boolean regionMatches(CharSequence text, int i, String lowerCase) {
        if (i < 0 || i + lowerCase.length() > text.length()) {
            return false;
        }
        for (int k = 0; k < lowerCase.length(); k++) {
            char c = text.charAt(i + k);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != lowerCase.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The start of the address whose local part ends at {@code localEnd}: a plain local part, or a
     * quoted one ({@code "john doe"@example.com}); with a spelled-out {@code at}, local parts joined
     * by spelled-out dots too ({@code john dot smith at ...}). -1 when there is none.
     */
    private static int addressStart(CharSequence text, int localEnd, int floor, boolean spelledOut) {
        if (localEnd > 1 && text.charAt(localEnd - 1) == '"') {
            return quotedLocalStart(text, localEnd, floor);
        }
        int start = localStart(text, localEnd, floor);
        while (start > floor) {
            int dotStart = dotTokenBefore(text, start);
            if (dotStart < 0 || (!spelledOut && text.charAt(dotStart) == ' ')) {
                break;
            }
            int before = localStart(text, dotStart, floor);
            if (before < 0 || localEnd - before > 2 * MAX_LOCAL) {
                break;
            }
            start = before;
        }
        return start;
    }

    /** A spelled-out or bracketed dot that ends at {@code end}: its start, or -1. */
    private static int dotTokenBefore(CharSequence text, int end) {
        for (String dot : BRACKETED_DOTS) {
            int start = end - dot.length();
            if (regionMatches(text, start, dot)) {
                return start;
            }
            if (start > 0 && text.charAt(end - 1) == ' ' && regionMatches(text, start - 1, dot)) {
                return start - 1 > 0 && text.charAt(start - 2) == ' ' ? start - 2 : start - 1;
            }
        }
        return regionMatches(text, end - 5, " dot ") ? end - 5 : -1;
    }

    /** The opening quote of {@code "..."} that ends at {@code localEnd}, within a local part's length and one line. */
    private static int quotedLocalStart(CharSequence text, int localEnd, int floor) {
        int limit = Math.max(floor, localEnd - MAX_LOCAL - 2);
        for (int q = localEnd - 2; q >= limit; q--) {
            char c = text.charAt(q);
            if (c == '"') {
                return q < localEnd - 2 && (q == 0 || !Chars.isWordChar(text.charAt(q - 1))) ? q : -1;
            }
            if (c == '\n' || c == '\r') {
                return -1;
            }
        }
        return -1;
    }

    /** The start of the local part before {@code at}, or -1 when there is no valid one. */
    private static int localStart(CharSequence text, int at, int floor) {
        int limit = Math.max(floor, at - MAX_LOCAL - 1);
        int s = at;
        while (s > limit && isLocalChar(text.charAt(s - 1))) {
            s--;
        }
        if (at - s > MAX_LOCAL) {
            return -1; // longer than any local part may be
        }
        while (s < at && (text.charAt(s) == '.' || text.charAt(s) == '\'' || text.charAt(s) == '-')) {
            s++; // quotes and dashes in front belong to the sentence, not the address
        }
        if (s == at || text.charAt(at - 1) == '.' || isUrlPassword(text, s)) {
            return -1;
        }
        for (int i = s + 1; i < at; i++) {
            if (text.charAt(i) == '.' && text.charAt(i - 1) == '.') {
                return -1;
            }
        }
        return s;
    }

    /**
     * Whether the would-be local part starting at {@code s} is the password of a URL's user
     * information, {@code scheme://user:<password>@host}: that is a credential (the secret detector
     * masks it), and the host after it is no e-mail domain to hide.
     */
    private static boolean isUrlPassword(CharSequence text, int s) {
        if (s < 3 || text.charAt(s - 1) != ':') {
            return false;
        }
        int p = s - 2;
        int limit = Math.max(2, s - 2 - MAX_LOCAL);
        while (p >= limit && isLocalChar(text.charAt(p))) {
            p--;
        }
        return p >= 2 && text.charAt(p) == '/' && text.charAt(p - 1) == '/' && text.charAt(p - 2) == ':';
    }

    /**
     * The end of an address literal at {@code from}, after its {@code ]}, or -1: a host's IPv4 address
     * or {@code IPv6:} and an IPv6 address in brackets (RFC 5321: {@code ada.lovelace@[192.168.0.1]}),
     * which left the local part in clear when only the IP address inside was found.
     */
    private static int addressLiteralEnd(CharSequence text, int from) {
        if (from >= text.length() || text.charAt(from) != '[') {
            return -1;
        }
        int p = from + 1;
        boolean ipv6 = p + 5 <= text.length() && text.subSequence(p, p + 5).toString().equalsIgnoreCase("IPv6:");
        p += ipv6 ? 5 : 0;
        int start = p;
        int limit = Math.min(text.length(), start + MAX_ADDRESS_LITERAL);
        int dots = 0;
        while (p < limit && text.charAt(p) != ']') {
            char c = text.charAt(p);
            if (ipv6 ? !(Chars.isHexDigit(c) || c == ':' || c == '.') : !(Chars.isDigit(c) || c == '.')) {
                return -1;
            }
            dots += c == '.' ? 1 : 0;
            p++;
        }
        return p < limit && p > start && (ipv6 || dots == 3) ? p + 1 : -1;
    }

    /**
     * The end of a valid domain starting at {@code from}, or -1: labels of letters, digits and
     * hyphens, at least two, the last one a top-level domain, joined by dots written plainly,
     * encoded or spelled out ({@code example(dot)com}); only spelled-out ones when {@code spelledOut}.
     */
    private static int domainEnd(CharSequence text, int from, boolean spelledOut) {
        int literal = spelledOut ? -1 : addressLiteralEnd(text, from);
        if (literal > 0) {
            return literal;
        }
        int n = text.length();
        int limit = Math.min(n, from + 2 * MAX_DOMAIN);
        int labels = 0;
        int lastLabel = -1;
        int end = -1;
        int p = from;
        while (p < limit) {
            int labelStart = p;
            while (p < limit && isLabelChar(text.charAt(p))) {
                p++;
            }
            int labelEnd = p;
            while (labelEnd > labelStart && text.charAt(labelEnd - 1) == '-' && (labelEnd >= n || dotEnd(text, labelEnd, spelledOut) < 0)) {
                labelEnd--; // a dash after the address belongs to the sentence
            }
            if (labelEnd - labelStart < 1 || labelEnd - labelStart > 63 || text.charAt(labelStart) == '-'
                    || text.charAt(labelEnd - 1) == '-') {
                return -1;
            }
            labels++;
            lastLabel = labelStart;
            end = labelEnd;
            if (labelEnd < p || p >= n) {
                break;
            }
            int next = dotEnd(text, p, spelledOut);
            if (next < 0 || next >= n || !isLabelChar(text.charAt(next)) || text.charAt(next) == '-') {
                break;
            }
            p = next;
        }
        return labels >= 2 ? checkedEnd(text, from, lastLabel, end) : -1;
    }

    /**
     * {@code end} when the domain ends there for good and its last label is a top-level domain; or,
     * when the last label is a top-level domain with a dash and more after it ({@code
     * ada@example.com-v3}, {@code ada@example.org-backup}), the end before that dash: no
     * top-level domain holds a dash, so a reader sees the address and a suffix.
     */
    private static int checkedEnd(CharSequence text, int from, int lastLabel, int end) {
        if (end - from > MAX_DOMAIN || (end < text.length() && (text.charAt(end) == '@' || Chars.isWordChar(text.charAt(end))))) {
            return -1;
        }
        if (isTopLevel(text, lastLabel, end)) {
            return end;
        }
        int dash = lastLabel;
        while (dash < end && text.charAt(dash) != '-') {
            dash++;
        }
        return dash < end && lastLabel > from && isTopLevel(text, lastLabel, dash) ? dash : -1;
    }

    private static boolean isTopLevel(CharSequence text, int start, int end) {
        String tld = text.subSequence(start, end).toString().toLowerCase(Locale.ROOT);
        if (tld.startsWith("xn--")) {
            return tld.length() > 4;
        }
        if (tld.length() < 2 || FILE_ENDINGS.contains(tld)) {
            return false;
        }
        for (int i = 0; i < tld.length(); i++) {
            if (!Character.isLetter(tld.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLocalChar(char c) {
        if (c < 128) {
            return Chars.isAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
        }
        return Character.isLetterOrDigit(c);
    }

    private static boolean isLabelChar(char c) {
        if (c < 128) {
            return Chars.isAsciiAlnum(c) || c == '-';
        }
        return Character.isLetterOrDigit(c);
    }
}
