package dev.tracegate.policy.sql;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The classification of a whole query string, one entry per statement in order.
 */
public record SqlClassification(List<ClassifiedStatement> statements) {
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

    /** The tables named by any statement. */
    public Set<String> tables() {
        Set<String> tables = new LinkedHashSet<>();
        statements.forEach(s -> tables.addAll(s.tables()));
        return tables;
    }

    public boolean isEmpty() {
        return statements.isEmpty();
    }
}
