/**
 * The MySQL client/server protocol (MySQL 5.7+ and MariaDB 10+, protocol 4.1): packet framing
 * with sequence ids and 16 MiB continuation ({@link dev.tracegate.wire.mysql.MysqlPacketReader},
 * {@link dev.tracegate.wire.mysql.MysqlPacketWriter}), and one immutable record per message the
 * gateway reads or writes, each with a symmetric {@code decode}/{@code encode}. No sockets.
 *
 * <p>Several messages share a first byte (0x00 is OK or a prepare answer or a binary row, 0xFE is
 * EOF, an AuthSwitchRequest or a terminal OK): what a packet is depends on where the exchange is,
 * so the engine chooses the decoder. Decoders reject a payload that is shorter than its layout,
 * and those with a fixed layout reject trailing bytes, with a
 * {@link dev.tracegate.wire.mysql.MysqlProtocolException}. Records hold the arrays they are given
 * without copying; treat them as read-only.
 */
package dev.tracegate.wire.mysql;
