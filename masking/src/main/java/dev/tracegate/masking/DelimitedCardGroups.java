package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * A card number's plain groups as the fields of a delimited row in one text: {@code 4111,1111,1111,1111}, {@code
 * 4111|1111|1111|1111}, {@code 4111;1111;...}, tab-separated, a space after the delimiter allowed ({@code 4111, 1111,
 * ...}), as a CSV or TSV body, a log line or a cell holding a row prints one. The detectors read a card's groups apart
 * by spaces, hyphens, dots, underscores or slashes, not by these. A run is three fields or more in a row, each three to
 * six ASCII digits alone, apart by one delimiter, the same throughout; a run of three to six fields that holds 13 to 19
 * digits is read joined by spaces, as a JSON object's plain members are ({@code RecordPieces.plainRunEnds}), so the
 * card detector's issuer ranges and Luhn check tell a card from a row of codes: the same odds (about one row of four
 * four-digit codes in thirty-three) taken. A longer run is a list of numbers and is not read.
 */
final class DelimitedCardGroups {

    private static final int MIN_GROUP = 3;
    private static final int MAX_GROUP = 6;
    private static final int MIN_FIELDS = 3;

    private DelimitedCardGroups() {
    }

    /** The runs of plain digit fields in {@code text}, each of three fields or more; empty (nothing allocated) when none. */
    static List<List<LineBrokenCard.Piece>> in(String text) {
        List<List<LineBrokenCard.Piece>> runs = List.of();
        int at = 0;
        while (at < text.length()) {
            int start = nextFieldStart(text, at);
            if (start < 0) {
                break;
            }
            List<LineBrokenCard.Piece> run = new ArrayList<>();
            char delimiter = 0;
            int end = groupEnd(text, start);
            while (end > 0) {
                run.add(new LineBrokenCard.Piece(start, end));
                if (end >= text.length() || !isDelimiter(text.charAt(end))
                        || (delimiter != 0 && text.charAt(end) != delimiter)) {
                    break;
                }
                delimiter = text.charAt(end);
                start = end + 1 < text.length() && text.charAt(end + 1) == ' ' && delimiter != '\t' ? end + 2 : end + 1;
                end = groupEnd(text, start);
            }
            if (run.size() >= MIN_FIELDS) {
                runs = runs.isEmpty() ? new ArrayList<>() : runs;
                runs.add(run);
            }
            at = Math.max(run.getLast().end(), at + 1);
        }
        return runs;
    }

    /** Where the next field that may be a group starts at or after {@code from}: digits after a delimiter, a blank or the text's start; -1 when none. */
    private static int nextFieldStart(String text, int from) {
        for (int k = from; k < text.length(); k++) {
            if (isDigit(text.charAt(k)) && (k == 0 || isDelimiter(text.charAt(k - 1)) || isBlank(text.charAt(k - 1)))
                    && groupEnd(text, k) > 0) {
                return k;
            }
        }
        return -1;
    }

    /** Where a field of three to six digits alone starting at {@code start} ends, before a delimiter, a blank or the text's end; -1 when it is none. */
    private static int groupEnd(String text, int start) {
        int end = start;
        while (end < text.length() && isDigit(text.charAt(end))) {
            end++;
        }
        int digits = end - start;
        boolean bounded = end == text.length() || isDelimiter(text.charAt(end)) || isBlank(text.charAt(end));
        return digits >= MIN_GROUP && digits <= MAX_GROUP && bounded ? end : -1;
    }

    private static boolean isDelimiter(char c) {
        return c == ',' || c == ';' || c == '|' || c == '\t';
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\n' || c == '\r';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
