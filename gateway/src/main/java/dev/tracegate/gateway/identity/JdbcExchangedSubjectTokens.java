package dev.tracegate.gateway.identity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Exchanged subject tokens in the gateway's store (table {@code exchanged_subject_token}, migration
 * V9), so a token exchanged on one node is refused on every other: the row's primary key decides,
 * whichever node inserts first.
 */
public final class JdbcExchangedSubjectTokens implements ExchangedSubjectTokens {

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcExchangedSubjectTokens(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    JdbcExchangedSubjectTokens(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public boolean firstExchange(String tokenKey, Instant expiresAt) throws AuthenticationException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement forget = connection.prepareStatement("DELETE FROM exchanged_subject_token WHERE expires_at < ?");
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO exchanged_subject_token (token_key, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            forget.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            forget.executeUpdate();
            insert.setString(1, tokenKey);
            insert.setObject(2, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new AuthenticationException("whether the subject token was exchanged before cannot be checked now");
        }
    }
}
