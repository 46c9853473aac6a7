package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a text of the database's code may quote a protected value. A literal is innocent only
 * when it is bound to a column the profile does not protect within one condition ({@code status =
 * 'paid'}, {@code status DEFAULT 'new'}, no {@code AND}, {@code OR}, {@code WHERE}, ... between
 * them) and to no protected one. Every other literal may quote one: one bound to a protected column
 * ({@code (name = 'Ada Lovelace'::text)}, {@code name IN ('a', 'b')}), and one bound to no column
 * at all, because code reaches a column through indirections no reading of its text can follow: a
 * {@code VALUES} list joined on the column, a variable ({@code who text := 'Grace Hopper'}), a
 * trigger's arguments ({@code TG_ARGV}), a parameter's default. Comments may quote anything, and so
 * may a number of four digits or more bound to a protected column ({@code card_number =
 * 4111111111111111}) and a character's code ({@code chr(65) || chr(100) || chr(97)}), read as a literal.
 * Dollar-quoted bodies ({@code AS $function$...$function$}) are read as code; a dollar-quoted
 * string anywhere else is a literal and is read as code too ({@code EXECUTE $q$...$q$}).
 */
final class BoundLiterals {

    /** Words that end a condition: a literal beyond one is bound to something else. */
    private static final Set<String> BOUNDARIES = Set.of("and", "or", "where", "select", "from", "on", "when", "then",
            "else", "case", "end", "set", "having", "returning", "using", "join", "group", "order", "limit", "begin",
            "return", "if", "loop", "values", "into", "check", "raise");
    /** How many tokens a condition spans at most either side of its literal ({@code IN} lists, casts). */
    private static final int REACH = 16;

    private BoundLiterals() {
    }

    /**
     * Whether {@code text} may quote a value of one of {@code protectedColumns}: a literal bound to
     * one of them, or bound to none of {@code otherColumns} (the unprotected columns of the relations
     * the code belongs to and names), or a comment.
     */
    static boolean mayQuote(String text, Set<String> protectedColumns, Set<String> otherColumns) {
        List<SqlToken> tokens = SqlLexer.lex(text).tokens();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.kind() == SqlToken.Kind.COMMENT) {
                return true;
            }
            if (token.kind() == SqlToken.Kind.DOLLAR_STRING && mayQuote(token.text(), protectedColumns, otherColumns)) {
                return true;
            }
            boolean body = token.kind() == SqlToken.Kind.DOLLAR_STRING && i > 0 && tokens.get(i - 1).isWord("as");
            if (token.isStringLiteral() && !body && !boundToOtherOnly(tokens, i, protectedColumns, otherColumns)) {
                return true;
            }
            if (mayBeAValue(token) && (reaches(tokens, i, -1, protectedColumns) || reaches(tokens, i, 1, protectedColumns))) {
                return true;
            }
            if (isCharacterCode(tokens, i) && !boundToOtherOnly(tokens, i, protectedColumns, otherColumns)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A number of four digits or more can be a protected value itself (a card or phone number
     * stored as a number, a year of birth, a salary); shorter ones are positions and lengths
     * ({@code right(card_number, 4)}), which quote nothing.
     */
    private static boolean mayBeAValue(SqlToken token) {
        return token.kind() == SqlToken.Kind.NUMBER && token.text().chars().filter(Character::isDigit).count() >= 4;
    }

    /**
     * A number that is a character's code, {@code chr(65)} or MySQL's {@code char(65, 100, 97)}:
     * a value spelled one character at a time, read as the literal it spells.
     */
    private static boolean isCharacterCode(List<SqlToken> tokens, int at) {
        if (tokens.get(at).kind() != SqlToken.Kind.NUMBER) {
            return false;
        }
        int i = at - 1;
        while (i >= 0 && (tokens.get(i).kind() == SqlToken.Kind.NUMBER || tokens.get(i).isSymbol(","))) {
            i--;
        }
        boolean called = i >= 1 && tokens.get(i).isSymbol("(")
                && (tokens.get(i - 1).isWord("chr") || tokens.get(i - 1).isWord("char"));
        // CAST(x AS CHAR(10)), x::char(10): the type, whose number is a length.
        boolean type = i >= 2 && (tokens.get(i - 2).isWord("as") || tokens.get(i - 2).isSymbol("::"));
        return called && !type;
    }

    /**
     * The identifiers of {@code text}, those of its dollar-quoted bodies and of its strings
     * included: code that builds a statement as text names its relations in strings ({@code
     * EXECUTE format('SELECT id FROM %I WHERE name = %L', 'customers', 'Ada Lovelace')}).
     */
    static Set<String> identifiers(String text) {
        Set<String> words = new HashSet<>();
        for (SqlToken token : SqlLexer.lex(text).tokens()) {
            if (token.isIdentifier()) {
                words.add(token.text());
            } else if (token.isStringLiteral()) {
                words.addAll(identifiers(token.text()));
            }
        }
        return words;
    }

    private static boolean boundToOtherOnly(List<SqlToken> tokens, int literal, Set<String> protectedColumns,
                                            Set<String> otherColumns) {
        if (reaches(tokens, literal, -1, protectedColumns) || reaches(tokens, literal, 1, protectedColumns)) {
            return false;
        }
        return reaches(tokens, literal, -1, otherColumns) || reaches(tokens, literal, 1, otherColumns);
    }

    private static boolean reaches(List<SqlToken> tokens, int from, int step, Set<String> columns) {
        for (int i = from + step, seen = 0; i >= 0 && i < tokens.size() && seen < REACH; i += step, seen++) {
            SqlToken token = tokens.get(i);
            if (BOUNDARIES.contains(token.word()) || token.kind() == SqlToken.Kind.SEMICOLON) {
                return false;
            }
            if (token.isIdentifier() && columns.contains(token.text())) {
                return true;
            }
        }
        return false;
    }
}
