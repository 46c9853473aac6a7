package dev.tracegate.policy.sql;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The classification of a whole query string, one entry per statement in order.
 */
public record SqlClassification(List<ClassifiedStatement> statements) {

    /** Up to this many names, one statement's tables are checked for repeats pairwise. */
    private static final int FEW_TABLES = 16;

    public SqlClassification {
        statements = List.copyOf(statements);
    }

    /**
     * The riskiest class over all statements (DANGEROUS_ADMIN wins a tie with UNKNOWN). A string with
     * no statement at all (only whitespace or comments) runs nothing and is SESSION.
     */
    public StatementClass highestRisk() {
        if (statements.isEmpty()) {
            return StatementClass.SESSION;
        }
        StatementClass highest = statements.getFirst().statementClass();
        for (ClassifiedStatement statement : statements) {
            highest = StatementClass.max(highest, statement.statementClass());
        }
        return highest;
    }

    /** Every class present, for rules that name a class rather than a risk level. */
    public Set<StatementClass> classes() {
        Set<StatementClass> classes = EnumSet.noneOf(StatementClass.class);
        statements.forEach(s -> classes.add(s.statementClass()));
        return classes;
    }

    /**
     * The tables named by any statement, each once, in the order first named. Most query strings
     * are one statement naming a few distinct tables: that statement's own (immutable) list is the
     * answer, without a set and a copy for every statement the policy decides.
     */
    public List<String> tables() {
        if (statements.size() == 1 && distinct(statements.getFirst().tables())) {
            return statements.getFirst().tables();
        }
        Set<String> tables = new LinkedHashSet<>();
        statements.forEach(s -> tables.addAll(s.tables()));
        return List.copyOf(tables);
    }

    /** Whether no name repeats; compared pairwise, so only for the few names of one statement. */
    private static boolean distinct(List<String> names) {
        if (names.size() > FEW_TABLES) {
            return false;
        }
        for (int i = 1; i < names.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (names.get(i).equals(names.get(j))) {
                    return false;
                }
            }
        }
        return true;
    }


    public boolean isEmpty() {
        return statements.isEmpty();
    }
}
