package dev.tracegate.policy.lineage;

import dev.tracegate.masking.ColumnUse;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.statement.select.AllColumns;

/**
 * Function calls: only built-in functions are followed (a function defined in the database may
 * read any table, and the gateway cannot see into it), never those that run a query given as text
 * or hand out stored values ({@link DataExposingNames}). A call computes a new value from its
 * arguments, except {@code count}, which reveals only how many values are not NULL, and the date
 * generalisations a profile may grant.
 */
final class FunctionLineage {

    /**
     * Built-ins that put their arguments where other queries, sessions or the protocol show them
     * unmasked by any column rule: a notification's payload, a setting ({@code SHOW}, {@code
     * current_setting}, a reported ParameterStatus), a sequence's value, an advisory lock's key (in
     * {@code pg_locks}), a large object, a logical decoding message, a replication slot's or origin's
     * name ({@code pg_replication_slots}), a backup's label; MySQL's {@code LAST_INSERT_ID(expr)},
     * whose argument the next {@code SELECT LAST_INSERT_ID()} of the session returns as a bare number, and
     * {@code GET_LOCK(name, ...)}, whose name other sessions see. Wherever they are called, even in a
     * condition or inside {@code count}, a protected argument is copied out.
     */
    private static final Set<String> WRITES_ITS_ARGUMENTS = Set.of("pg_notify", "set_config", "setval",
            "lo_from_bytea", "lo_put", "lo_create", "lowrite", "pg_logical_emit_message", "pg_advisory_lock",
            "pg_advisory_lock_shared", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared", "pg_try_advisory_lock",
            "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared",
            "pg_advisory_unlock", "pg_advisory_unlock_shared", "pg_create_restore_point",
            "pg_replication_origin_create", "pg_stat_reset_single_table_counters", "pg_create_physical_replication_slot",
            "pg_create_logical_replication_slot", "pg_copy_physical_replication_slot", "pg_copy_logical_replication_slot",
            "pg_replication_origin_session_setup", "pg_backup_start", "pg_start_backup", "last_insert_id", "get_lock");

    private FunctionLineage() {
    }

    static Lineage of(Function function, Scope scope, ExpressionLineage expressions, Analysis analysis) {
        List<String> parts = function.getMultipartName();
        if (parts == null || parts.isEmpty()) {
            // XMLTABLE and its kin, outside FROM, where PostgreSQL accepts none of them.
            throw new LineageRefusal("a function-like construct (" + function.getClass().getSimpleName()
                    + ") the gateway cannot follow where it stands");
        }
        String name = Identifiers.normalise(parts.getLast());
        String schema = parts.size() > 1 ? Identifiers.normalise(parts.get(parts.size() - 2)) : null;
        parts.forEach(part -> analysis.followed(Identifiers.normalise(part)));
        checkCallable(schema, name, analysis);
        if (function.getAttribute() != null || function.getKeep() != null) {
            throw new LineageRefusal("the call of " + name + " uses syntax the gateway cannot follow");
        }
        List<? extends Expression> parameters = function.getParameters() == null ? List.of() : function.getParameters();
        if ((name.equals("date_trunc") || name.equals("date_part")) && parameters.size() == 2
                && parameters.get(0) instanceof StringValue unit) {
            return expressions.generalised(unit.getValue(), parameters.get(1), scope);
        }
        Lineage arguments = parameters.size() == 1 ? expressions.of(parameters.getFirst(), scope)
                : expressions.list(parameters, scope);
        if (function.getNamedParameters() != null) {
            arguments = arguments.combine(expressions.list(function.getNamedParameters(), scope));
        }
        if (function.getChainedParameters() != null) {
            arguments = arguments.combine(expressions.list(function.getChainedParameters(), scope));
        }
        if (function.getKeywordArguments() != null) {
            for (Function.KeywordArgument argument : function.getKeywordArguments()) {
                arguments = arguments.combine(expressions.of(argument.getExpression(), scope));
            }
        }
        expressions.orderedBy(function.getOrderByElements(), scope);
        if (WRITES_ITS_ARGUMENTS.contains(name)) {
            analysis.copy(arguments, "what " + name + "() writes (a notification, setting, sequence, lock or large object)");
        }
        if (name.equals("count")) {
            if (function.isDistinct()) {
                analysis.use(arguments, ColumnUse.GROUP, "in count(DISTINCT ...)");
            }
            // count(pg_notify('ch', name)) and count(name::int) compute on every row; count(*) computes nothing.
            boolean rows = function.isAllColumns() || (parameters.size() == 1 && parameters.getFirst() instanceof AllColumns);
            if (!rows) {
                expressions.countedOnly(arguments, "inside count(...)");
            }
            return Lineage.CLEAN;
        }
        return arguments.derive();
    }

    /** Refuses functions whose reads the gateway cannot follow; {@code schema} is null when unqualified. */
    static void checkCallable(String schema, String name, Analysis analysis) {
        if (DataExposingNames.isFunction(name)) {
            throw new LineageRefusal("the function " + name + " reads data by itself (a query given as text, large"
                    + " objects, other sessions or statistics), which the gateway cannot follow");
        }
        if (CodeTextNames.isFunction(name) && analysis.schema().codeTextMayQuoteProtectedValues()) {
            throw new LineageRefusal(CodeTextNames.REFUSAL.formatted("the function " + name));
        }
        WrittenValueNames.function(name).filter(kind -> analysis.schema().writtenValueMayQuote(kind)).ifPresent(kind -> {
            throw new LineageRefusal(WrittenValueNames.refusal(kind, "the function " + name));
        });
        CatalogSnapshot catalog = analysis.schema().catalog();
        if (schema != null && !schema.equals("pg_catalog")) {
            throw new LineageRefusal("the function " + schema + "." + name + " is defined in the database, and the"
                    + " gateway cannot see what it reads; masked callers may call built-in functions only");
        }
        if (catalog.isUserFunction(name)) {
            throw new LineageRefusal("a function named " + name + " is defined in the database, and the gateway cannot"
                    + " see what it reads; masked callers may call built-in functions only");
        }
        if (!catalog.isBuiltInFunction(name) && !ExpressionLineage.isSqlConstruct(name)) {
            throw new LineageRefusal("the function " + name + " is not known to the gateway", true);
        }
    }
}
