package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.postgres.results.UpstreamCatalog;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a fast-path {@code FunctionCall} calls, read from the upstream's catalog by the OID the
 * client sent: approvers and the evidence were shown {@code function call oid 764} and nothing
 * else, and the classifier could not tell {@code lo_export} from {@code textcat}. Names are
 * written by the server ({@code quote_ident}), so a function named to look like another call
 * cannot spell one.
 *
 * <p>Built-in functions (OIDs below 16384, PostgreSQL's {@code FirstNormalObjectId}) are fixed for
 * a server's version and kept; a user's function is asked each time, since it can be renamed.
 */
final class FastPathFunctionNames {

    /** PostgreSQL's FirstNormalObjectId: OIDs below it are assigned at initdb and never change. */
    private static final long FIRST_NORMAL_OID = 16384;

    private final UpstreamCatalog catalog;
    private final Map<Integer, CalledFunction> builtIn = new ConcurrentHashMap<>();

    FastPathFunctionNames(UpstreamCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * A function as the catalog names it.
     *
     * @param oid       the OID the client sent
     * @param name      schema and name, each quoted as needed by the server ({@code pg_catalog.lo_export})
     * @param arguments its argument types, as {@code pg_get_function_identity_arguments} writes them
     */
    record CalledFunction(int oid, String name, String arguments) {

        /** How approvers and the evidence read the call, its OID kept. */
        String description() {
            return "function call " + name + "(" + arguments + ") (oid " + Integer.toUnsignedString(oid) + ")";
        }

        /** The same call in SQL, for the classifier: its arguments as parameters. */
        String asSql(int argumentCount) {
            StringBuilder sql = new StringBuilder("SELECT ").append(name).append('(');
            for (int i = 1; i <= argumentCount; i++) {
                sql.append(i > 1 ? ", $" : "$").append(i);
            }
            return sql.append(')').toString();
        }
    }

    /** The function the OID names; empty when no function has it or the catalog cannot be asked. */
    Optional<CalledFunction> named(int oid) {
        CalledFunction kept = builtIn.get(oid);
        if (kept != null) {
            return Optional.of(kept);
        }
        List<List<String>> rows;
        try {
            // Built from the number alone, never from client text.
            rows = catalog.query("SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname),"
                    + " pg_catalog.pg_get_function_identity_arguments(p.oid) FROM pg_catalog.pg_proc p"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = "
                    + Integer.toUnsignedString(oid));
        } catch (CatalogUnavailableException e) {
            return Optional.empty();
        }
        if (rows.size() != 1 || rows.getFirst().get(0) == null) {
            return Optional.empty();
        }
        CalledFunction function = new CalledFunction(oid, rows.getFirst().get(0),
                rows.getFirst().get(1) == null ? "" : rows.getFirst().get(1));
        if (Integer.toUnsignedLong(oid) < FIRST_NORMAL_OID) {
            builtIn.put(oid, function);
        }
        return Optional.of(function);
    }
}
