package dev.tracegate.policy.sql;

/** How many rows a WHERE or ON condition can select, as far as a cheap analysis can tell. */
enum ConditionScope {
    /** Depends on the row's values: an ordinary filter. */
    ROW_DEPENDENT,
    /** Always true ({@code true}, {@code 1=1}, {@code id = id}, {@code x = 1 OR 1 = 1}): every row. */
    ALWAYS_TRUE,
    /** Same result for every row (parameters, {@code now()}, {@code random()}): all rows or none. */
    ROW_INDEPENDENT,
    /** Always false: no row. */
    ALWAYS_FALSE,
    /** Syntax the analysis does not follow. */
    UNANALYSABLE;

    /** True if the condition may select every row, which makes an UPDATE or DELETE a bulk write. */
    boolean mayHitEveryRow() {
        return this == ALWAYS_TRUE || this == ROW_INDEPENDENT;
    }
}
