package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.identity.Identity;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A policy that holds DDL for a DBA, for tests through the gateway that need a statement waiting for approvers. */
public final class HeldDdl {

    /** Holds DDL and anything riskier for the {@code dba} group; everything else is allowed. */
    public static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: hold-ddl
                minClass: ddl
                action: approve
                approvers: [dba]
                timeout: 60s
                reason: schema changes need a DBA
            """;

    /** An approver the policy accepts. */
    public static final Identity DBA = new Identity("tracegate", "apikey:dora", "dora", null, List.of("dba"), "human");

    private HeldDdl() {
    }

    /** Runs {@code statement} on another thread: it waits there while it is held. */
    public static CompletableFuture<Void> runAsync(Statement sql, String statement) {
        return CompletableFuture.runAsync(() -> {
            try {
                sql.execute(statement);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A statement running on another thread and the approval it waits for. */
    public record Held(CompletableFuture<Void> run, PendingApproval pending) {
    }

    /** Runs {@code statement} on another thread and returns once it waits for approvers. */
    public static Held hold(TestGateway gateway, Statement sql, String statement) {
        CompletableFuture<Void> run = runAsync(sql, statement);
        return new Held(run, awaitPending(gateway));
    }

    /** The first statement waiting for approvers, once there is one. */
    public static PendingApproval awaitPending(TestGateway gateway) {
        return Awaitility.await().atMost(30, TimeUnit.SECONDS)
                .until(() -> gateway.gateway().approvals().pending().stream().findFirst().orElse(null), p -> p != null);
    }
}
