package dev.tracegate.gateway.guard;

import dev.tracegate.policy.rules.HttpRequestFacts;
import dev.tracegate.policy.rules.SshRequestFacts;
import dev.tracegate.policy.sql.CalledCode;
import dev.tracegate.policy.sql.NotNullColumnTests;
import dev.tracegate.policy.sql.PreparedText;
import dev.tracegate.policy.sql.SqlDialect;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a protocol engine asks the {@link Guard} about: the facts of one command, in the terms of
 * its protocol. The Guard decides on every kind; engines only translate wire messages into these.
 */
public sealed interface Command {

    /**
     * SQL text: a simple query string, or one extended-protocol statement.
     *
     * @param text            as the client sent it
     * @param dialect         how to read it
     * @param preparedClasses what each of the session's prepared statements runs (class, tables, text), for
     *                        {@code EXECUTE name}
     * @param lineage         the lineage check of the upstream the command goes to, for callers whose
     *                        results are masked; {@code null} where the protocol has none
     * @param cursors         the session's declared cursors: a {@code FETCH} or {@code MOVE} is judged
     *                        again by its cursor's {@code DECLARE} for a masked caller
     * @param parameterTypes  the types a PostgreSQL Parse declares for its parameters (OIDs, 0 for none)
     * @param notNullColumns the upstream's NOT NULL columns, for a write that tests one for null; {@code null}
     *                       where the protocol asks no catalog
     * @param calledCode     the upstream's own routines, triggers and rules, for a statement that may run them;
     *                       {@code null} where the protocol asks no catalog
     */
    record Sql(String text, SqlDialect dialect, Function<String, Optional<PreparedText>> preparedClasses,
               MaskedStatementCheck lineage, SessionCursors cursors, List<Integer> parameterTypes,
               NotNullColumnTests.NotNullColumns notNullColumns, CalledCode.Catalog calledCode) implements Command {

        public Sql {
            parameterTypes = List.copyOf(parameterTypes);
        }

        /** SQL of a protocol that asks its catalog about NOT NULL columns only. */
        public Sql(String text, SqlDialect dialect, Function<String, Optional<PreparedText>> preparedClasses,
                   MaskedStatementCheck lineage, SessionCursors cursors, List<Integer> parameterTypes,
                   NotNullColumnTests.NotNullColumns notNullColumns) {
            this(text, dialect, preparedClasses, lineage, cursors, parameterTypes, notNullColumns, null);
        }

        /** SQL that declares no parameter types. */
        public Sql(String text, SqlDialect dialect, Function<String, Optional<PreparedText>> preparedClasses,
                   MaskedStatementCheck lineage, SessionCursors cursors) {
            this(text, dialect, preparedClasses, lineage, cursors, List.of(), null);
        }

        /** SQL of a protocol whose sessions declare no cursors a later statement reads by name. */
        public Sql(String text, SqlDialect dialect, Function<String, Optional<PreparedText>> preparedClasses,
                   MaskedStatementCheck lineage) {
            this(text, dialect, preparedClasses, lineage, SessionCursors.NONE);
        }
    }

    /**
     * A call of a server function by its identifier, outside any query (PostgreSQL's fast-path
     * interface): the function is named by number only.
     *
     * @param description  how it is recorded, e.g. {@code function call pg_catalog.lo_export(oid, text) (oid 765)},
     *                     or {@code function call oid 765} when the catalog could not name it
     * @param largeObject  one of the large-object functions drivers use
     * @param sql          the same call in SQL ({@code SELECT pg_catalog.lo_export($1, $2)}), which the classifier
     *                     judges; null when the function could not be named
     */
    record FunctionCall(String description, boolean largeObject, String sql) implements Command {
    }

    /**
     * An HTTP request.
     *
     * @param request     method, path, headers and, when a rule needs it, the JSON body
     * @param undecidable why the body a rule asks about cannot be read (too large, not JSON); {@code null} when it can
     */
    record Http(HttpRequestFacts request, String undecidable) implements Command {
    }

    /**
     * An SSH request: a command line ({@code exec}), opening a shell, an sftp or scp file operation,
     * or a forwarding request.
     *
     * @param request the operation, its text and paths, and how the shell classifier reads it
     */
    record Ssh(SshRequestFacts request) implements Command {
    }
}
