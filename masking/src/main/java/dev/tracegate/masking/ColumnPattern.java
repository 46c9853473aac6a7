package dev.tracegate.masking;

import java.util.Locale;

/**
 * A column name pattern such as {@code email}, {@code *.email}, {@code customers.*}, or {@code
 * public.customers.ssn}: one to three dot-separated parts matched from the right against schema,
 * table and column, each part a glob where {@code *} matches any run of characters. Matching
 * ignores case, as PostgreSQL folds unquoted names. A part the column does not know (an expression
 * has no table) is matched only by {@code *}, with one exception: a column of a known table whose
 * schema is unknown (a name as a statement writes it, {@code customers.email}, which the session's
 * search_path resolves) matches whatever schema the pattern names, since it may resolve there.
 */
record ColumnPattern(String text, String[] parts) {

    static ColumnPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a column pattern must not be empty");
        }
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("\\.", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("column pattern '" + text + "' has more than schema.table.column");
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("column pattern '" + text + "' has an empty part");
            }
        }
        return new ColumnPattern(text, parts);
    }

    boolean matches(ColumnRef column) {
        String[] names = {column.schema(), column.table(), column.column()};
        boolean schemaUnresolved = column.schema() == null && column.table() != null;
        for (int p = parts.length - 1, n = 2; p >= 0; p--, n--) {
            String name = names[n];
            if (n == 0 && schemaUnresolved) {
                continue;
            }
            if (name == null ? !parts[p].equals("*") : !Glob.matches(parts[p], name.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the pattern's column part matches {@code column}, whatever its other parts say. */
    boolean matchesColumnName(String column) {
        return Glob.matches(parts[parts.length - 1], column.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return text;
    }

    /** {@code *}-only globbing. */
    static final class Glob {

        private Glob() {
        }

        static boolean matches(String glob, String name) {
            int g = 0;
            int s = 0;
            int star = -1;
            int mark = 0;
            while (s < name.length()) {
                if (g < glob.length() && glob.charAt(g) != '*' && glob.charAt(g) == name.charAt(s)) {
                    g++;
                    s++;
                } else if (g < glob.length() && glob.charAt(g) == '*') {
                    star = g++;
                    mark = s;
                } else if (star >= 0) {
                    g = star + 1;
                    s = ++mark;
                } else {
                    return false;
                }
            }
            while (g < glob.length() && glob.charAt(g) == '*') {
                g++;
            }
            return g == glob.length();
        }
    }
}
