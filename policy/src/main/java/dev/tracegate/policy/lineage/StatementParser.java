package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;

/**
 * JSqlParser, bounded: texts longer or more deeply nested than it handles in reasonable time and
 * stack are not given to it, and a text it cannot read is a refusal (the analysis cannot follow
 * what it cannot read).
 */
final class StatementParser {

    static final int MAX_LENGTH = 20_000;
    static final int MAX_NESTING = 40;

    private StatementParser() {
    }

    static Statement parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new LineageRefusal("the statement is longer than the " + MAX_LENGTH + " characters the gateway"
                    + " analyses for masked callers");
        }
        if (nesting(text) > MAX_NESTING) {
            throw new LineageRefusal("the statement nests parentheses deeper than the " + MAX_NESTING + " levels the"
                    + " gateway analyses for masked callers");
        }
        Statement parsed;
        try {
            parsed = new CCJSqlParser(new StringProvider(text)).Statement();
        } catch (Exception | StackOverflowError e) {
            throw new LineageRefusal("the gateway could not parse the statement, so it cannot tell which protected"
                    + " columns it reads; write it more plainly (plain SELECT, joins, subqueries, CTEs)");
        }
        if (parsed == null || parsed instanceof UnsupportedStatement) {
            throw new LineageRefusal("the gateway could not parse the statement, so it cannot tell which protected"
                    + " columns it reads");
        }
        return parsed;
    }

    private static int nesting(String text) {
        int depth = 0;
        int max = 0;
        for (SqlToken token : SqlLexer.lex(text).tokens()) {
            if (token.isSymbol("(") || token.isSymbol("[")) {
                max = Math.max(max, ++depth);
            } else if (token.isSymbol(")") || token.isSymbol("]")) {
                depth--;
            }
        }
        return max;
    }
}
