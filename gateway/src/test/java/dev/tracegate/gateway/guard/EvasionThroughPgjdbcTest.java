package dev.tracegate.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The classifier's evasion corpus again, this time prepared through pgjdbc's extended protocol
 * (Parse/Bind/Execute) against the running gateway: every attack is refused by the gateway's
 * policy, and no legitimate statement is. The upstream role is deliberately not a superuser, so
 * an attack that slipped through could not do harm; the assertions look for the gateway's own
 * refusal, not the server's.
 */
class EvasionThroughPgjdbcTest {

    private static final Path CORPUS = Path.of("..", "policy", "src", "test", "resources", "evasion-corpus.tsv");
    private static final String POLICY = """
            defaults:
              action: allow
              highRisk: block
            rules:
              - name: guard-the-schema
                classes: [ddl, bulk_write, privilege, dangerous_admin, unknown]
                action: block
                reason: not through this gateway
            """;

    private static final Set<String> BLOCKED_CLASSES = Set.of("DDL", "BULK_WRITE", "PRIVILEGE", "DANGEROUS_ADMIN", "UNKNOWN");

    private static TestGateway gateway;
    private static Connection connection;

    @BeforeAll
    static void start() throws SQLException {
        gateway = TestGateway.start(List.of(), POLICY);
        Properties extended = new Properties();
        extended.setProperty("prepareThreshold", "1");
        extended.setProperty("preferQueryMode", "extended");
        connection = gateway.connect("app_clear", extended);
    }

    @AfterAll
    static void stop() throws SQLException {
        connection.close();
        gateway.close();
    }

    @TestFactory
    Stream<DynamicTest> preparedAttacksAreRefusedAndLegitimateStatementsAreNot() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            String sql = unescape(parts[1]);
            // A legitimate statement of a class the policy blocks (=DDL) is refused as well.
            boolean attack = parts[0].startsWith(">=") || BLOCKED_CLASSES.contains(parts[0].substring(1));
            tests.add(DynamicTest.dynamicTest((attack ? "refuses " : "allows ") + parts[1], () -> {
                String refusal = refusal(sql);
                if (attack) {
                    assertThat(refusal).as("gateway refusal of: " + sql).isNotNull();
                } else {
                    assertThat(refusal).as("legitimate statement refused: " + sql).isNull();
                }
            }));
        }
        assertThat(tests.stream().filter(t -> t.getDisplayName().startsWith("refuses"))).hasSizeGreaterThanOrEqualTo(100);
        return tests.stream();
    }

    /**
     * The gateway's refusal, or null when the gateway let every part of the statement through.
     * pgjdbc splits multi-statement strings itself and pipelines them; when the server rejects an
     * earlier part first, the client sees the server's error, so the gateway's own record of the
     * refusal (a {@code command.blocked} event) counts as well.
     */
    private static String refusal(String sql) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        long blockedBefore = blockedEvents();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
            return blockedEvents() > blockedBefore ? "recorded as command.blocked" : null;
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("tracegate: blocked")) {
                return e.getMessage();
            }
            if (blockedEvents() > blockedBefore) {
                return "recorded as command.blocked after: " + e.getMessage();
            }
            // pgjdbc refuses some malformed texts (unterminated quotes and comments) before sending
            // anything; those never reach the gateway or the server.
            boolean neverSent = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() == null;
            return neverSent ? "refused by the client before sending: " + e.getMessage() : null;
        } finally {
            if (!connection.getAutoCommit() || autoCommit != connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            try (var reset = connection.createStatement()) {
                reset.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // Nothing was open.
            }
        }
    }

    private static long blockedEvents() {
        try {
            return TestGateway.eventsOfType(gateway.gateway().evidence(), "command.blocked").size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                switch (next) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'f' -> out.append('\f');
                    case 'v' -> out.append('\u000b');
                    case '\\' -> out.append('\\');
                    default -> out.append('\\').append(next);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
