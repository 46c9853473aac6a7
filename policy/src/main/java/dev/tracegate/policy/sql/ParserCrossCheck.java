package dev.tracegate.policy.sql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * A second opinion from JSqlParser on one statement (already split by {@link SqlScriptSplitter}):
 * the tables it touches, and a class that may only raise, never lower, the token rules' verdict:
 * the class of the statement itself, raised by any data-modifying statement nested in it.
 * The parser runs in the caller's thread; very long or deeply nested statements are not given to
 * it, because its cost grows badly on them and an attacker chooses the text.
 */
final class ParserCrossCheck {

    static final int MAX_PARSED_LENGTH = 20_000;
    static final int MAX_PARSED_NESTING = 40;

    /** What the parser made of a statement. */
    record Opinion(boolean parsed, Set<String> tables, Optional<StatementClass> statementClass) {
        static final Opinion NOT_PARSED = new Opinion(false, Set.of(), Optional.empty());
    }

    private ParserCrossCheck() {
    }

    static Opinion of(SqlStatement statement) {
        if (statement.incomplete() || statement.text().length() > MAX_PARSED_LENGTH
                || nesting(statement.tokens()) > MAX_PARSED_NESTING) {
            return Opinion.NOT_PARSED;
        }
        Statement parsed;
        try {
            parsed = new CCJSqlParser(new StringProvider(statement.text())).Statement();
        } catch (Exception | StackOverflowError e) {
            return Opinion.NOT_PARSED;
        }
        if (parsed == null || parsed instanceof UnsupportedStatement) {
            return Opinion.NOT_PARSED;
        }
        ParsedTree tree = new ParsedTree();
        Set<String> tables;
        try {
            tables = new LinkedHashSet<>(tree.getTables(parsed));
        } catch (RuntimeException e) {
            tables = Set.of();
        }
        Optional<StatementClass> own = classOf(parsed);
        // EXPLAIN only plans its statement, unless it says ANALYZE.
        boolean onlyPlans = parsed instanceof ExplainStatement explain
                && explain.getOption(ExplainStatement.OptionType.ANALYZE) == null;
        Optional<StatementClass> nested = onlyPlans ? Optional.empty() : tree.riskiestModification();
        if (own.isEmpty()) {
            return new Opinion(true, tables, nested);
        }
        return new Opinion(true, tables, Optional.of(nested.map(n -> StatementClass.max(own.get(), n)).orElse(own.get())));
    }

    /**
     * JSqlParser's own walk over the whole parsed tree (the one that finds table names), noting every
     * data-modifying statement it passes, at any depth: in CTEs, CTEs of CTEs, subqueries,
     * CREATE TABLE AS. So the parser's opinion follows nesting as the token rules do.
     */
    private static final class ParsedTree extends TablesNamesFinder<Void> {
        private StatementClass riskiest;

        Optional<StatementClass> riskiestModification() {
            return Optional.ofNullable(riskiest);
        }

        private void note(StatementClass statementClass) {
            riskiest = riskiest == null ? statementClass : StatementClass.max(riskiest, statementClass);
        }

        @Override
        public <S> Void visit(Delete delete, S context) {
            note(delete.getWhere() == null ? StatementClass.BULK_WRITE : StatementClass.WRITE);
            return super.visit(delete, context);
        }

        @Override
        public <S> Void visit(Update update, S context) {
            note(update.getWhere() == null ? StatementClass.BULK_WRITE : StatementClass.WRITE);
            return super.visit(update, context);
        }

        @Override
        public <S> Void visit(Insert insert, S context) {
            note(StatementClass.WRITE);
            return super.visit(insert, context);
        }

        @Override
        public <S> Void visit(Merge merge, S context) {
            note(StatementClass.WRITE);
            return super.visit(merge, context);
        }

        @Override
        public <S> Void visit(Truncate truncate, S context) {
            note(StatementClass.BULK_WRITE);
            return super.visit(truncate, context);
        }
    }

    private static Optional<StatementClass> classOf(Statement parsed) {
        if (parsed instanceof Select select) {
            if (select instanceof PlainSelect plain) {
                if (plain.getIntoTables() != null && !plain.getIntoTables().isEmpty()) {
                    return Optional.of(StatementClass.DDL);
                }
                if (plain.getForMode() != null) {
                    return Optional.of(StatementClass.WRITE);
                }
            }
            return Optional.of(StatementClass.READ);
        }
        if (parsed instanceof Update update) {
            return Optional.of(update.getWhere() == null ? StatementClass.BULK_WRITE : StatementClass.WRITE);
        }
        if (parsed instanceof Delete delete) {
            return Optional.of(delete.getWhere() == null ? StatementClass.BULK_WRITE : StatementClass.WRITE);
        }
        if (parsed instanceof Insert || parsed instanceof Merge) {
            return Optional.of(StatementClass.WRITE);
        }
        if (parsed instanceof Truncate) {
            return Optional.of(StatementClass.BULK_WRITE);
        }
        if (parsed instanceof Grant) {
            return Optional.of(StatementClass.PRIVILEGE);
        }
        String type = parsed.getClass().getName();
        if (type.contains(".statement.create.") || type.contains(".statement.alter.") || type.contains(".statement.drop.")) {
            return Optional.of(StatementClass.DDL);
        }
        return Optional.empty();
    }

    private static int nesting(List<SqlToken> tokens) {
        int depth = 0;
        int max = 0;
        for (SqlToken token : tokens) {
            if (token.isSymbol("(") || token.isSymbol("[")) {
                max = Math.max(max, ++depth);
            } else if (token.isSymbol(")") || token.isSymbol("]")) {
                depth--;
            }
        }
        return max;
    }
}
