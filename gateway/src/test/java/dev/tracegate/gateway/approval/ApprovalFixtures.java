package dev.tracegate.gateway.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.StoreConfig;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.policy.rules.ApprovalSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** People, policies and a real evidence log on an embedded store, shared by the approval tests. */
final class ApprovalFixtures implements AutoCloseable {

    static final Identity ANALYST = person("analyst", "analysts");
    static final Identity OTHER_ANALYST = person("mallory", "analysts");
    static final Identity DBA = person("dana", "dba");
    static final Identity OTHER_DBA = person("dmitri", "dba");
    static final Identity SECURITY = person("sam", "security");
    static final Identity ON_CALL = person("oscar", "oncall");
    /** A DBA who runs DDL themselves: the requester's own approval must never count. */
    static final Identity DBA_REQUESTER = person("dora", "analysts", "dba");

    /** DDL on shop: two approvals from dba or security, or one from on-call as break-glass. */
    static final ApprovalSpec TWO_PEOPLE = new ApprovalSpec(List.of("dba", "security"), 2, Duration.ofMinutes(10), List.of("oncall"));
    static final ApprovalSpec ONE_DBA = new ApprovalSpec(List.of("dba"), 1, Duration.ofMinutes(10), List.of());

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final Store store;
    final EvidenceLog log;

    ApprovalFixtures() throws IOException {
        dir = Files.createTempDirectory("tracegate-approvals");
        store = Store.open(new StoreConfig(null, null, null, null, null), dir);
        log = new EvidenceLog(store, dir.resolve("journal"), false);
    }

    static Identity person(String name, String... groups) {
        return new Identity("tracegate", "apikey:" + name, name, null, List.of(groups), "human");
    }

    static ApprovalRequest ddl(Identity requester, String session, ApprovalSpec spec) {
        return new ApprovalRequest(session, requester, "shop", "postgres", "ALTER TABLE orders ADD COLUMN note text",
                "ddl", "hold-ddl", "schema changes on shop need approval", spec, null);
    }

    /** Every event in the log, in index order, as its leaf JSON. */
    List<JsonNode> events() throws SQLException, IOException {
        List<JsonNode> events = new ArrayList<>();
        for (byte[] leaf : TestGateway.leaves(log, 0)) {
            events.add(JSON.readTree(leaf));
        }
        return events;
    }

    @Override
    public void close() {
        log.close();
        store.close();
    }
}
