package dev.tracegate.masking.detect;

import java.util.Set;

/**
 * When {@code local at example.com}, an {@code @} spelled as a word before a domain whose dots are
 * written plainly, is an address rather than prose ("look at example.com", "hosted at github.com").
 * Mailing-list archives (pipermail), changelogs and commit trailers write addresses so to keep
 * crawlers off ({@code Alan Coopersmith <alan.coopersmith at oracle.com>}, {@code Reported by
 * balu.gajjala AT gmail.com}); 652 lines of {@code /usr/share/doc} kept them in clear before
 * 2026-12-06. It is one when something besides the word says so: angle brackets or parentheses
 * around it as around an address, a local part no prose word has (a dot, an underscore or a
 * {@code +} between letters: {@code ada.lovelace}, {@code ada_l}), or the word in capitals ({@code
 * AT}) after a local part that is no capitalised prose. The caller also asks that it reads as an
 * address (the word before is no pronoun or verb, the top-level domain one people write out).
 */
final class AtWordAddresses {

    /** Endings of file names: {@code notes.txt at example.com} names a file, not a mailbox. */
    private static final Set<String> FILE_ENDINGS = Set.of(
            "txt", "md", "html", "htm", "xml", "json", "yaml", "yml", "conf", "cfg", "ini", "log", "py", "js", "java",
            "c", "h", "sh", "tar", "gz", "tgz", "zip", "pdf", "deb", "rpm", "so", "jar", "exe", "dll", "png", "jpg");

    private AtWordAddresses() {
    }

    /**
     * Whether the local part {@code [start, localEnd)}, the word {@code at} that starts after the
     * space at {@code space}, and the domain ending at {@code end} make an address.
     */
    static boolean marksAnAddress(CharSequence text, int start, int localEnd, int space, int end) {
        if (framed(text, start, end, '<', '>') || framed(text, start, end, '(', ')')) {
            return true;
        }
        if (joinedWords(text, start, localEnd)) {
            return true;
        }
        boolean capitals = text.charAt(space + 1) == 'A' && text.charAt(space + 2) == 'T';
        return capitals && hasSmallLetterOrDigit(text, start, localEnd);
    }

    private static boolean framed(CharSequence text, int start, int end, char open, char close) {
        return start > 0 && text.charAt(start - 1) == open && end < text.length() && text.charAt(end) == close;
    }

    /** Words joined by {@code .}, {@code _} or {@code +}, each starting with a letter, the last no file ending. */
    private static boolean joinedWords(CharSequence text, int start, int end) {
        boolean joined = false;
        int wordStart = start;
        for (int k = start; k <= end; k++) {
            char c = k < end ? text.charAt(k) : '.';
            if (c == '.' || c == '_' || c == '+') {
                if (k == wordStart || !Character.isLetter(text.charAt(wordStart))) {
                    return false;
                }
                joined |= k < end;
                if (k == end && c == '.' && joined && text.charAt(wordStart - 1) == '.'
                        && FILE_ENDINGS.contains(text.subSequence(wordStart, end).toString().toLowerCase(java.util.Locale.ROOT))) {
                    return false;
                }
                wordStart = k + 1;
            }
        }
        return joined;
    }

    private static boolean hasSmallLetterOrDigit(CharSequence text, int start, int end) {
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (Character.isLowerCase(c) || Chars.isDigit(c)) {
                return k > start || end - start > 1;
            }
        }
        return false;
    }
}
