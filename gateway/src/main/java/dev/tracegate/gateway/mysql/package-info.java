/**
 * The MySQL/MariaDB engine (docs/mysql.md): the {@code wire.mysql} codec on both sides, callers
 * signed in with their gateway token over TLS ({@link dev.tracegate.gateway.mysql.CallerHandshake}),
 * the upstream logged in with the held password ({@link dev.tracegate.gateway.mysql.MysqlUpstreamConnector}),
 * and each command through the shared seam ({@link dev.tracegate.gateway.mysql.CommandRelay}), its
 * rows masked as they stream ({@link dev.tracegate.gateway.mysql.ResponseRelay}).
 */
package dev.tracegate.gateway.mysql;
