package dev.tracegate.gateway.console;

import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.CredentialRef;
import dev.tracegate.gateway.identity.SignedInSessions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Whether what someone did through a console session may still stand: the session is still signed
 * in (not signed out, its cookie's time not over, not ended because its key was revoked), found by
 * its reference in the store, so on every node. A vote or a grant given in the console is the
 * approver's word through that session; once they sign out, nothing of theirs is signed in there any
 * more to vouch for it, and someone who signs out expects to leave nothing acting in their name.
 * Identity asks it about console sessions only; other credentials it asks of the keys they began with.
 */
public final class ConsoleSessionStanding implements SignedInSessions {

    private final DataSource store;
    private final Clock clock;

    public ConsoleSessionStanding(DataSource store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void requireSignedIn(CredentialRef credential) throws AuthenticationException {
        if (!CredentialRef.CONSOLE_SESSION.equals(credential.type())) {
            throw new AuthenticationException("a " + credential.type() + " is not a console session");
        }
        if (credential.id() == null) {
            throw new AuthenticationException("the console session was signed in before the gateway kept which one it was");
        }
        try (Connection connection = store.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT 1 FROM console_session WHERE ref = ? AND expires_at > ?")) {
            select.setString(1, credential.id());
            select.setObject(2, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new AuthenticationException("the console session has signed out or ended");
                }
            }
        } catch (SQLException e) {
            // Fail closed: what cannot be checked lets nothing through.
            throw new AuthenticationException("whether the console session is still signed in cannot be checked now: "
                    + e.getMessage());
        }
    }
}
