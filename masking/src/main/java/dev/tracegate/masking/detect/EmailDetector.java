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

    /** Image names like {@code icon@2x.png} have the shape of an address; these endings are no TLD. */
    private static final Set<String> FILE_ENDINGS = Set.of(
            "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tiff", "heic", "avif");

    /** The scan starts at an {@code @} or a {@code %40}: a text with neither is not read at all. */
    @Override
    public boolean mayMatch(TextFacts facts) {
        return facts.atOrPercent();
    }

    @Override
    public EntityType type() {
        return EntityType.EMAIL;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        int n = text.length();
        int from = 0;
        int lastEnd = 0;
        int at = -2;
        int encodedAt = -2;
        while (from < n) {
            // Each search result is kept until the scan passes it; -1 means none is left and is never searched again.
            if (at != -1 && at < from) {
                at = indexOf(text, '@', from);
            }
            if (encodedAt != -1 && encodedAt < from) {
                encodedAt = indexOfEncodedAt(text, from);
            }
            int encoded = encodedAt >= 0 && (at < 0 || encodedAt < at) ? encodedAt : -1;
            int separator = encoded >= 0 ? encoded : at;
            if (separator < 0) {
                return;
            }
            int separatorLength = encoded >= 0 ? 3 : 1;
            int start = localStart(text, separator, lastEnd);
            int end = domainEnd(text, separator + separatorLength - 1);
            if (start >= 0 && end > 0) {
                out.add(new Match(start, end, EntityType.EMAIL));
                lastEnd = end;
                from = end;
            } else {
                from = separator + separatorLength;
            }
        }
    }

    private static int indexOf(CharSequence text, char c, int from) {
        if (text instanceof String s) {
            return s.indexOf(c, from);
        }
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** The next {@code %40}, the {@code @} of an address inside a URL query ({@code ?email=alice%40example.com}). */
    private static int indexOfEncodedAt(CharSequence text, int from) {
        int i = from;
        while (true) {
            int percent = indexOf(text, '%', i);
            if (percent < 0 || percent + 2 >= text.length()) {
                return -1;
            }
            if (text.charAt(percent + 1) == '4' && text.charAt(percent + 2) == '0') {
                return percent;
            }
            i = percent + 1;
        }
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

    /** The end of a valid domain after {@code at}, or -1. */
    private static int domainEnd(CharSequence text, int at) {
        int n = text.length();
        int limit = Math.min(n, at + 1 + MAX_DOMAIN);
        int e = at + 1;
        while (e < limit && isDomainChar(text.charAt(e))) {
            e++;
        }
        if (e - at - 1 >= MAX_DOMAIN) {
            return -1; // longer than any domain may be
        }
        while (e > at + 1 && (text.charAt(e - 1) == '.' || text.charAt(e - 1) == '-')) {
            e--; // a full stop after the address ends the sentence
        }
        if (e < n && (text.charAt(e) == '@' || Chars.isWordChar(text.charAt(e)))) {
            return -1;
        }
        return isValidDomain(text, at + 1, e) ? e : -1;
    }

    private static boolean isValidDomain(CharSequence text, int start, int end) {
        int labels = 0;
        int labelStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || text.charAt(i) == '.') {
                int length = i - labelStart;
                if (length < 1 || length > 63 || text.charAt(labelStart) == '-' || text.charAt(i - 1) == '-') {
                    return false;
                }
                labels++;
                if (i == end) {
                    return labels >= 2 && isTopLevel(text, labelStart, end);
                }
                labelStart = i + 1;
            }
        }
        return false;
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

    private static boolean isDomainChar(char c) {
        if (c < 128) {
            return Chars.isAsciiAlnum(c) || c == '.' || c == '-';
        }
        return Character.isLetterOrDigit(c);
    }
}
