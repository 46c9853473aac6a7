/**
 * Lineage: what a masked caller's statement may do with protected columns, decided before the
 * statement runs.
 *
 * <p>Masking a result only covers values that reach it unchanged: {@code reverse(card_number)}
 * arrives as an expression column with nothing to say where it came from. So for a caller whose
 * results are masked, every statement is read here first, and each use of a protected column is
 * checked: returned as stored (then the result masker masks it), tested in a way the profile
 * grants ({@link dev.tracegate.masking.ColumnUse}), counted, or refused. Anything the analysis
 * cannot follow (text that does not parse, unknown functions, functions and views it cannot see
 * into, whole-row values, copies into tables) is refused with a reason. Start at
 * {@link dev.tracegate.policy.lineage.LineageCheck}.
 */
package dev.tracegate.policy.lineage;
