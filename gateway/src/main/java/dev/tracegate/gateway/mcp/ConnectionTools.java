package dev.tracegate.gateway.mcp;

import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.McpConfig;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.mcp.AgentTools.CallContext;
import dev.tracegate.gateway.mcp.AgentTools.Plan;
import dev.tracegate.gateway.mcp.AgentTools.Tool;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.policy.rules.Subject;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The five tools. SQL goes through the gateway's own PostgreSQL listener and HTTP requests
 * through its HTTP gateway ({@link PostgresToolClient}, {@link HttpToolClient}), signed in as the
 * caller with a one-time delegated credential: classification, policy, approvals, masking and
 * recording are the listeners' own, so there is one enforcement path whoever the client is.
 */
final class ConnectionTools {

    private static final String POSTGRES = PostgresConnectionConfig.PROTOCOL;
    /**
     * Names and types from the catalogs themselves, not {@code information_schema.columns}: that view also holds
     * each column's default, the text of the database's code, which masked callers may not read while code binds a
     * literal to a protected column (docs/masking.md); the tool needs no code, so it keeps working there. The
     * columns are those the caller holds a privilege on, as the view shows them.
     */
    private static final String SCHEMA_SQL = "SELECT n.nspname AS table_schema, c.relname AS table_name,"
            + " a.attname AS column_name, pg_catalog.format_type(a.atttypid, NULL) AS data_type, t.typname AS udt_name"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'm', 'f', 'p')"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
            + " AND pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES')"
            + " AND ($1::text IS NULL OR n.nspname = $1) AND ($2::text IS NULL OR c.relname = $2)"
            + " ORDER BY n.nspname, c.relname, a.attnum";

    private final McpConfig config;
    private final EngineServices services;
    private final LoopbackTargets targets;
    private final HeldCalls held = new HeldCalls();

    ConnectionTools(McpConfig config, EngineServices services, LoopbackTargets targets) {
        this.config = config;
        this.services = services;
        this.targets = targets;
    }

    List<Tool> all() {
        return List.of(listConnections(), describeSchema(), query(), approvalStatus(), httpRequest());
    }

    private Tool listConnections() {
        McpSchema.Tool definition = McpSchema.Tool.builder().name("list_connections")
                .description("Lists the databases and HTTP services this gateway lets you reach, with their protocol"
                        + " and whether your results from them are masked. Use a connection's name in the other tools.")
                .inputSchema(AgentTools.schema(Map.of(), List.of())).build();
        return tool(definition, (arguments, caller) -> plan(null, "", call -> {
            List<Map<String, Object>> connections = new ArrayList<>();
            for (ConnectionConfig connection : services.connections()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", connection.name());
                entry.put("protocol", connection.protocol());
                entry.put("tools", POSTGRES.equals(connection.protocol()) ? List.of("describe_schema", "query")
                        : List.of("http_request"));
                entry.put("masking_profile", masking(caller, connection.name(), connection.protocol())
                        .map(CallerMasking::profile).orElse(null));
                connections.add(entry);
            }
            return ToolAnswer.ok(Map.of("connections", connections), connections.size());
        }));
    }

    private Tool describeSchema() {
        McpSchema.Tool definition = McpSchema.Tool.builder().name("describe_schema")
                .description("Describes the tables and columns of a PostgreSQL connection: names and types, and for"
                        + " each column whether the gateway masks its values for you and how (masked values reach you"
                        + " as pseudonyms or partial values; statements that compute from them are refused)."
                        + " Narrow it with schema and/or table.")
                .inputSchema(AgentTools.schema(Map.of(
                        "connection", AgentTools.property("string", "a PostgreSQL connection from list_connections"),
                        "schema", AgentTools.property("string", "only this schema, e.g. public"),
                        "table", AgentTools.property("string", "only this table")), List.of("connection"))).build();
        return tool(definition, (arguments, caller) -> {
            String connection = postgresConnection(arguments);
            String schema = arguments.optionalString("schema");
            String table = arguments.optionalString("table");
            // The names are the agent's words, kept as a statement's parameters are: an address
            // typed as a table name is masked in the evidence as it would be in a query's params.
            RecordedCommand recorded = services.guard().recording().call("schema=$1 table=$2",
                    java.util.Arrays.asList(schema, table));
            return plan(connection, recorded, call -> describe(call, connection, schema, table));
        });
    }

    private ToolAnswer describe(CallContext call, String connection, String schema, String table)
            throws ToolFailure, IOException {
        QueryResult result = runSql(call, connection, SCHEMA_SQL, java.util.Arrays.asList(schema, table),
                config.maxRows(), null);
        if (result.failed()) {
            throw new ToolFailure(result.sqlState(), result.error());
        }
        Optional<CallerMasking> masking = masking(call.identity(), connection, POSTGRES);
        Map<String, Map<String, Object>> tables = new LinkedHashMap<>();
        for (Map<String, Object> row : result.rows()) {
            String tableSchema = (String) row.get("table_schema");
            String tableName = (String) row.get("table_name");
            Map<String, Object> entry = tables.computeIfAbsent(tableSchema + "." + tableName, key -> {
                Map<String, Object> created = new LinkedHashMap<>();
                created.put("schema", tableSchema);
                created.put("table", tableName);
                created.put("columns", new ArrayList<Map<String, Object>>());
                return created;
            });
            Map<String, Object> column = new LinkedHashMap<>();
            column.put("name", row.get("column_name"));
            column.put("type", row.get("data_type"));
            masking.flatMap(m -> ColumnMaskingView.of(m, tableSchema, tableName, (String) row.get("column_name"),
                    (String) row.get("udt_name"))).ifPresent(view -> column.put("masked", view));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> columns = (List<Map<String, Object>>) entry.get("columns");
            columns.add(column);
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("connection", connection);
        content.put("masking_profile", masking.map(CallerMasking::profile).orElse(null));
        content.put("tables", List.copyOf(tables.values()));
        content.put("truncated", result.truncated());
        return ToolAnswer.ok(content, result.rows().size());
    }

    private Tool query() {
        McpSchema.Tool definition = McpSchema.Tool.builder().name("query")
                .description("Runs one SQL statement on a PostgreSQL connection, exactly as if you had typed it in"
                        + " psql: the gateway's policy may block it (the error says which rule and why) or hold it for"
                        + " a person to approve (you get an approval id at once: poll approval_status with it)."
                        + " Personal data in results is masked for you. Use $1, $2, ... with params for values."
                        + " Results are capped; 'truncated' says when rows were left out.")
                .inputSchema(AgentTools.schema(Map.of(
                        "connection", AgentTools.property("string", "a PostgreSQL connection from list_connections"),
                        "sql", AgentTools.property("string", "one SQL statement"),
                        "params", Map.of("type", "array", "description", "values for $1, $2, ...",
                                "items", Map.of("type", List.of("string", "number", "boolean", "null"))),
                        "max_rows", Map.of("type", "integer", "minimum", 1, "maximum", config.maxRows(),
                                "description", "at most this many rows (default and maximum " + config.maxRows() + ")")),
                        List.of("connection", "sql"))).build();
        return tool(definition, (arguments, caller) -> {
            String connection = postgresConnection(arguments);
            String sql = arguments.requiredString("sql");
            List<String> params = arguments.parameters("params");
            int maxRows = arguments.optionalInt("max_rows", 1, config.maxRows(), config.maxRows());
            return plan(connection, services.guard().recording().statement(sql, params),
                    call -> runQuery(call, connection, sql, params, maxRows));
        });
    }

    private ToolAnswer runQuery(CallContext call, String connection, String sql, List<String> params, int maxRows)
            throws ToolFailure, IOException {
        CompletableFuture<String> approval = new CompletableFuture<>();
        QueryResult result = runSql(call, connection, sql, params, maxRows, approval);
        if (result == null) {
            return heldAnswer(approval.join(), "pending");
        }
        return rows(result);
    }

    private static ToolAnswer rows(QueryResult result) throws ToolFailure {
        if (result.failed()) {
            throw new ToolFailure(result.sqlState(), result.error());
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("columns", result.columns());
        content.put("rows", result.rows());
        content.put("row_count", result.rows().size());
        content.put("truncated", result.truncated());
        content.put("command", result.tag());
        return ToolAnswer.ok(content, result.rows().size());
    }

    /**
     * Runs SQL through the listener. With {@code approval} given, a held statement returns null at
     * once and completes {@code approval} with its id; its result is then kept for approval_status.
     */
    private QueryResult runSql(CallContext call, String connection, String sql, List<String> params, int maxRows,
                               CompletableFuture<String> approval) throws ToolFailure, IOException {
        Set<String> pendingBefore = pendingApprovals();
        PostgresToolClient client = PostgresToolClient.open(targets.postgres(), targets.tls(), connection,
                services.admission().delegated().issue(call.identity(), call.key()), applicationName(call));
        CompletableFuture<String> heldFor = approval != null ? approval : new CompletableFuture<>();
        CompletableFuture<QueryResult> done = new CompletableFuture<>();
        Thread.ofVirtual().name("mcp-query").start(() -> {
            try (client) {
                done.complete(client.run(sql, params, maxRows, config.maxResultBytes(), id -> {
                    if (awaitsApproval(id, call.identity(), connection, POSTGRES, pendingBefore)) {
                        heldFor.complete(id);
                    }
                }));
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            CompletableFuture.anyOf(done, approval != null ? heldFor : done).get(config.callTimeoutSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            client.close();
            throw new ToolFailure("57014", "stopped: the call ran longer than " + config.callTimeoutSeconds()
                    + " s (mcp.callTimeoutSeconds)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            // done failed: reported below.
        }
        if (!done.isDone() && heldFor.isDone()) {
            held.add(heldFor.join(), call.identity(), () -> done.isDone() ? Optional.of(rows(finished(done)))
                    : Optional.empty());
            return null;
        }
        return finished(done);
    }

    /**
     * Whether approval {@code id} is the one this call waits for: pending, of this caller on
     * {@code connection}, requested since the call began ({@code pendingBefore} holds those pending
     * then) and claimed by no other call. The listener's word for a hold (a notice, a {@code 202}
     * with {@code Preference-Applied}) can be said by the upstream too: a function's {@code RAISE
     * NOTICE}, which a caller whose results are not masked reads as written, or an HTTP target's
     * own answer, naming a made-up id or the id of another call of the same caller that waits.
     * Taken for a hold, the call would answer "held" at once, its statement run on past
     * mcp.callTimeoutSeconds and outside mcp.maxConcurrentCalls, and its answer be filed under the
     * other call's approval id, in place of that call's result.
     */
    private boolean awaitsApproval(String id, Identity caller, String connection, String protocol,
                                   Set<String> pendingBefore) {
        return !pendingBefore.contains(id) && services.approvals().find(id).filter(pending -> !pending.decided()
                && pending.request().requester().samePerson(caller) && connection.equals(pending.request().connection())
                && protocol.equals(pending.request().protocol())).isPresent() && held.claim(id);
    }

    /**
     * The approvals waiting on this node now, none of which a call that begins now waits for (its
     * own hold will wait here: the statement runs through this process's listener).
     */
    private Set<String> pendingApprovals() {
        return services.approvals().waitingHere();
    }

    private static QueryResult finished(CompletableFuture<QueryResult> done) throws ToolFailure {
        try {
            return done.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new ToolFailure("08006", "the statement could not complete: " + e.getCause().getMessage());
        }
    }

    private Tool approvalStatus() {
        McpSchema.Tool definition = McpSchema.Tool.builder().name("approval_status")
                .description("Checks a statement or request that was held for approval, by the approval id the"
                        + " held call returned. While people decide it answers status 'pending'; once approved it"
                        + " returns the result as the original call would have; if denied or expired, an error"
                        + " with the approver's reason.")
                .inputSchema(AgentTools.schema(Map.of("id", AgentTools.property("string",
                        "the approval id a held query or http_request returned")), List.of("id"))).build();
        return tool(definition, (arguments, caller) -> {
            String id = arguments.requiredString("id");
            return plan(null, services.guard().recording().call("id=$1", List.of(id)), call -> {
                HeldCalls.Outcome outcome = held.find(id, call.identity()).orElseThrow(() -> new ToolFailure("not_found",
                        "no held call " + id + " of yours (ids are kept for 24 hours, and collected once)"));
                Optional<ToolAnswer> answer;
                try {
                    answer = outcome.poll();
                } catch (ToolFailure f) {
                    held.collected(id);
                    throw f;
                }
                if (answer.isEmpty()) {
                    return heldAnswer(id, "pending");
                }
                held.collected(id);
                return answer.get();
            });
        });
    }

    private Tool httpRequest() {
        McpSchema.Tool definition = McpSchema.Tool.builder().name("http_request")
                .description("Sends an HTTP request to an HTTP connection through the gateway, as if you called it"
                        + " with curl: the gateway adds the service's credential, applies its policy (a refusal is an"
                        + " error naming the rule; a held request returns an approval id to poll with approval_status)"
                        + " and masks personal data in both bodies.")
                .inputSchema(AgentTools.schema(Map.of(
                        "connection", AgentTools.property("string", "an HTTP connection from list_connections"),
                        "method", Map.of("type", "string", "enum", HttpToolClient.METHODS, "description", "HTTP method"),
                        "path", AgentTools.property("string", "path under the connection, starting with /, with any query"),
                        "headers", Map.of("type", "object", "additionalProperties", Map.of("type", "string"),
                                "description", "extra request headers (credentials are the gateway's to add)"),
                        "body", AgentTools.property("string", "request body, e.g. JSON text")),
                        List.of("connection", "method", "path"))).build();
        return tool(definition, (arguments, caller) -> {
            String connection = arguments.requiredString("connection");
            if (services.connection(connection, HttpConnectionConfig.class).isEmpty()) {
                throw ToolArguments.invalid("http_request: \"" + connection + "\" is not an HTTP connection of this gateway");
            }
            HttpToolClient.Request request = HttpToolClient.Request.of(arguments, connection);
            return plan(connection, services.guard().recording().requestLine(request.line()), call -> {
                if (targets.http() == null) {
                    throw new ToolFailure("unavailable", "the gateway's HTTP listener is not running");
                }
                HttpToolClient client = new HttpToolClient(targets, services.admission().delegated(),
                        config.maxResultBytes(), config.callTimeoutSeconds());
                Set<String> pendingBefore = pendingApprovals();
                HttpToolClient.Response response = client.send(request, call,
                        id -> awaitsApproval(id, call.identity(), connection, HttpConnectionConfig.PROTOCOL, pendingBefore));
                if (response.approval() != null) {
                    held.add(response.approval(), call.identity(), () -> client.collect(response.approval(), call));
                    return heldAnswer(response.approval(), "pending");
                }
                return response.answer();
            });
        });
    }

    private ToolAnswer heldAnswer(String approvalId, String status) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("status", "held");
        content.put("approval", approvalId);
        content.put("approval_state", status);
        String url = services.approvals().approveUrl(approvalId);
        if (url != null) {
            content.put("console", url);
        }
        content.put("approve", dev.tracegate.gateway.approval.ApprovalService.approveCommand(approvalId));
        content.put("next", "a person must approve this; call approval_status with id " + approvalId
                + " to collect the result");
        return new ToolAnswer(content, "held", 0);
    }

    private String postgresConnection(ToolArguments arguments) {
        String connection = arguments.requiredString("connection");
        if (services.connection(connection, PostgresConnectionConfig.class).isEmpty()) {
            throw ToolArguments.invalid("\"" + connection + "\" is not a PostgreSQL connection of this gateway;"
                    + " list_connections shows them");
        }
        if (targets.postgres() == null) {
            throw ToolArguments.invalid("the gateway's PostgreSQL listener is not running");
        }
        return connection;
    }

    private Optional<CallerMasking> masking(Identity caller, String connection, String protocol) {
        return services.guard().masking(new Subject(connection, protocol, Set.copyOf(caller.groups()), caller.kind()));
    }

    /** The listener's session joins the agent's trace through its application_name. */
    private static String applicationName(CallContext call) {
        return "tracegate-mcp" + (call.traceparent() == null ? "" : " traceparent=" + call.traceparent());
    }

    private interface Work {
        ToolAnswer run(CallContext call) throws ToolFailure, IOException;
    }

    private static Plan plan(String subject, String text, Work work) {
        return plan(subject, new RecordedCommand(text, null, List.of()), work);
    }

    private static Plan plan(String subject, RecordedCommand recorded, Work work) {
        return new Plan() {
            @Override
            public String subject() {
                return subject;
            }

            @Override
            public RecordedCommand recorded() {
                return recorded;
            }

            @Override
            public ToolAnswer run(CallContext call) throws ToolFailure, IOException {
                return work.run(call);
            }
        };
    }

    private interface Planner {
        Plan plan(ToolArguments arguments, Identity caller);
    }

    private static Tool tool(McpSchema.Tool definition, Planner planner) {
        return new Tool() {
            @Override
            public McpSchema.Tool definition() {
                return definition;
            }

            @Override
            public Plan plan(ToolArguments arguments, Identity caller) {
                return planner.plan(arguments, caller);
            }
        };
    }
}
