package dev.tracegate.gateway.postgres;

import dev.tracegate.gateway.TestGateway;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One thing a DBA writes into the catalog, alone in the database: how it is made, what a masked
 * caller ({@code alice}) tries on it through pgjdbc in both query modes and psql's describe
 * commands, and how it is removed.
 */
record CatalogChannelScenario(String name, List<String> create, List<String> attempts, List<String> describes,
                              List<String> drop) {

    /** The protected names the scenarios write, and look for in what a masked caller receives. */
    private static final LeakSearch NAMES_SEARCH = new LeakSearch(
            Set.of("Ada Lovelace", "Grace Hopper", "Alan Turing", "Charles Babbage"), Set.of());

    @Override
    public String toString() {
        return name;
    }

    /** Makes it, tries every channel, removes it: each leak found, with the attempt that found it. */
    List<String> leaks(TestGateway gateway) throws Exception {
        asAdmin(gateway, create);
        try {
            List<String> leaks = new ArrayList<>();
            for (String attempt : attempts) {
                for (String mode : List.of("simple", "extended")) {
                    NAMES_SEARCH.leaksIn(ReceivedTexts.attempt(gateway, "alice", TestGateway.ALICE_TOKEN, attempt, mode))
                            .forEach(leak -> leaks.add(mode + ": " + attempt + " -> " + leak));
                }
            }
            for (String describe : describes) {
                ClientProcess psql = ClientProcess.run(null, List.of("psql", gateway.libpqUri("app"), "-X", "-c", describe));
                NAMES_SEARCH.leaksIn(psql.output()).forEach(leak -> leaks.add(describe + " -> " + leak));
            }
            return leaks;
        } finally {
            asAdmin(gateway, drop);
        }
    }

    /** Through the gateway, so that its catalog snapshots see the change at once. */
    static void asAdmin(TestGateway gateway, List<String> statements) throws SQLException {
        try (Connection admin = ReceivedTexts.connect(gateway, "admin", TestGateway.ADMIN_TOKEN, "simple");
             Statement sql = admin.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }
}
