/**
 * PostgreSQL frontend/backend protocol 3.x: framing and one immutable class per message.
 *
 * <p>{@link dev.tracegate.wire.postgres.PgFrameReader} and {@link dev.tracegate.wire.postgres.PgFrameWriter}
 * move typed frames ({@link dev.tracegate.wire.postgres.PgFrame}) over streams; message classes in
 * {@code frontend} (sent by clients) and {@code backend} (sent by servers) turn frame bodies into values
 * and back. The two packages are separate because type bytes overlap by direction ({@code 'D'} is
 * Describe from a client but DataRow from a server).
 *
 * <p>Messages hold the arrays they are given, without copying: the data path (DataRow, CopyData, Bind)
 * handles millions of cells, and a defensive copy per cell would double its allocation. Treat every
 * array passed into or read out of a message as read-only.
 *
 * <p>Strings are read and written as UTF-8. A decoder rejects a body that does not follow the documented
 * layout exactly, including trailing bytes, with a {@link dev.tracegate.wire.postgres.ProtocolException},
 * as the server itself does ("invalid message format").
 */
package dev.tracegate.wire.postgres;
