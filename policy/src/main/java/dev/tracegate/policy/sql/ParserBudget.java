package dev.tracegate.policy.sql;

/**
 * How much more JSqlParser may read for one query string. Its cost per statement is high (tens
 * of microseconds for the shortest, and it grows with length), so without a bound a
 * client-chosen string of a hundred thousand statements would hold a core for many seconds.
 * A MySQL text read several ways (see {@link MySqlTextClassifier}) shares one budget.
 */
final class ParserBudget {
    private int statements = SqlClassifier.MAX_PARSED_STATEMENTS;
    private int characters = SqlClassifier.MAX_PARSED_CHARACTERS;

    boolean spend(int length) {
        if (statements == 0 || length > characters) {
            return false;
        }
        statements--;
        characters -= length;
        return true;
    }
}
