package dev.tracegate.gateway.mysql;

import dev.tracegate.wire.mysql.HandshakeResponse41;

/**
 * What a caller's handshake established, before its token is checked.
 *
 * @param channel      the caller's packets from now on (TLS when the caller asked for it)
 * @param response     its handshake response: user (a claim), database (the connection), attributes
 * @param capabilities what both sides agreed on: what the client asked for of what the gateway offers
 * @param token        the password the caller gave: its gateway token
 * @param plugin       how it arrived ({@code mysql_clear_password} or {@code caching_sha2_password})
 */
record CallerLogin(PacketChannel channel, HandshakeResponse41 response, long capabilities, String token, String plugin) {
}
