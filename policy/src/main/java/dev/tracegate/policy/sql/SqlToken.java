package dev.tracegate.policy.sql;

/**
 * One lexical token of PostgreSQL text.
 *
 * <p>{@code text} is normalised so that rules cannot be fooled by spelling: unquoted words are
 * lower-cased the way PostgreSQL folds them (ASCII only), quoted identifiers are kept as written
 * with escapes resolved, string literals hold their decoded value and dollar-quoted strings their
 * body. {@code start}/{@code end} point into the original text.
 */
public record SqlToken(Kind kind, String text, int start, int end) {

    /** What kind of lexeme a token is. */
    public enum Kind {
        /** Keyword or unquoted identifier, lower-cased. */
        WORD,
        /** {@code "..."} or {@code U&"..."} identifier, case kept, escapes resolved. */
        QUOTED_IDENTIFIER,
        /** {@code '...'}, {@code E'...'}, {@code U&'...'}, {@code B'...'}, {@code X'...'} literal, decoded. */
        STRING,
        /** {@code $tag$...$tag$} literal; text is the body. */
        DOLLAR_STRING,
        NUMBER,
        /** Positional parameter such as {@code $1}. */
        PARAMETER,
        OPERATOR,
        /** One of {@code ( ) [ ] , . : ::}. */
        PUNCTUATION,
        SEMICOLON,
        /** Line or block comment; text is the full comment including its delimiters. */
        COMMENT,
        /** A character PostgreSQL would reject. */
        OTHER
    }

    public boolean isWord(String lowerCaseWord) {
        return kind == Kind.WORD && text.equals(lowerCaseWord);
    }

    public boolean isSymbol(String symbol) {
        return (kind == Kind.PUNCTUATION || kind == Kind.OPERATOR) && text.equals(symbol);
    }

    public boolean isIdentifier() {
        return kind == Kind.WORD || kind == Kind.QUOTED_IDENTIFIER;
    }

    public boolean isStringLiteral() {
        return kind == Kind.STRING || kind == Kind.DOLLAR_STRING;
    }

    /** The word if this is an unquoted word, otherwise the empty string; convenient for switches. */
    public String word() {
        return kind == Kind.WORD ? text : "";
    }
}
