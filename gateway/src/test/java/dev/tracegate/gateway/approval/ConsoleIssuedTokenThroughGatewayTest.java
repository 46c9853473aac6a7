package dev.tracegate.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.TestGateway;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway token issued through a console session (its page asks {@code POST /api/tokens} with the
 * session cookie) ends when that session signs out, and so do its renewals: at the API and at a
 * listener, where a session already open with it runs nothing more. Before, it lived on for its own
 * lifetime (up to a day) after its user had signed out.
 */
class ConsoleIssuedTokenThroughGatewayTest {

    private static TestGateway gateway;
    private static GatewayApi api;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(List.of(), "defaults:\n  action: allow\n");
        api = new GatewayApi(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aTokenIssuedThroughAConsoleSessionAndItsRenewalEndWhenTheSessionSignsOut() throws Exception {
        ConsoleBrowser browser = ConsoleBrowser.signIn(gateway, TestGateway.ALICE_TOKEN);
        String token = browser.issueToken();
        HttpResponse<String> renewed = api.call(token, "POST", "/api/tokens?minutes=60", null);
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
        String renewal = GatewayApi.read(renewed.body()).path("token").asText();
        assertThat(api.call(token, "GET", "/api/me", null).statusCode()).isEqualTo(200);
        assertThat(selectOne(token)).isEqualTo(1);
        Connection open = connect(token);
        assertThat(selectOne(open)).isEqualTo(1);

        browser.signOut();

        // A session already open with the token runs not even its next statement: signing out here is
        // asked about at once, as a key revoked here is (until 2026-12-07 a statement within a second of
        // the last one's check still ran).
        assertThatThrownBy(() -> selectOne(open))
                .isInstanceOf(SQLException.class).hasMessageContaining("console session has signed out or ended");
        open.close();

        for (String signedOut : List.of(token, renewal)) {
            HttpResponse<String> me = api.call(signedOut, "GET", "/api/me", null);
            assertThat(me.statusCode()).as(me.body()).isEqualTo(401);
            assertThat(me.body()).contains("console session has signed out or ended");
            assertThatThrownBy(() -> selectOne(signedOut)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
        // A token of the same person not issued through that session is not touched.
        HttpResponse<String> own = api.call(TestGateway.ALICE_TOKEN, "POST", "/api/tokens", null);
        assertThat(api.call(GatewayApi.read(own.body()).path("token").asText(), "GET", "/api/me", null).statusCode())
                .isEqualTo(200);
    }

    /**
     * A console session opened by pasting a token another console session issued is a session signed
     * in with that token: it ends when the issuing session signs out, and so does what it issued in
     * turn. Before, it (and a token it issued) lived on for its own hours after the sign-out.
     */
    @Test
    void aConsoleSessionOpenedWithAConsoleIssuedTokenEndsWhenTheIssuingSessionSignsOut() throws Exception {
        ConsoleBrowser issuing = ConsoleBrowser.signIn(gateway, TestGateway.ALICE_TOKEN);
        String token = GatewayApi.read(issuing.post("/api/tokens?minutes=60", null).body()).path("token").asText();
        ConsoleBrowser pasted = ConsoleBrowser.signIn(gateway, token);
        HttpResponse<String> second = pasted.post("/api/tokens?minutes=60", null);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        String secondToken = GatewayApi.read(second.body()).path("token").asText();
        ConsoleBrowser pastedAgain = ConsoleBrowser.signIn(gateway, secondToken);

        issuing.signOut();

        for (ConsoleBrowser carried : List.of(pasted, pastedAgain)) {
            HttpResponse<String> after = carried.post("/api/tokens?minutes=60", null);
            assertThat(after.statusCode()).as(after.body()).isEqualTo(401);
        }
        HttpResponse<String> me = api.call(secondToken, "GET", "/api/me", null);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(401);
        assertThat(me.body()).contains("console session has signed out or ended");
    }

    private static int selectOne(String token) throws SQLException {
        try (Connection c = connect(token)) {
            return selectOne(c);
        }
    }

    private static int selectOne(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Connection connect(String token) throws SQLException {
        Properties props = new Properties();
        props.setProperty("password", token);
        return DriverManager.getConnection(gateway.jdbcUrl("app"), props);
    }
}
