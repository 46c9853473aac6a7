package dev.tracegate.gateway.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A relay's read-ahead buffer that can tell whether more input is already at hand.
 *
 * <p>A relay flushes what it forwarded only when nothing more is at hand, so a burst of messages
 * (the rows of a result, a client's pipeline) leaves in a few large writes instead of one small
 * write (and one TLS record) per message. "At hand" must count the bytes this buffer already read
 * ahead as well as those waiting in the socket: asking only the socket flushes after every message
 * of a buffered burst, and asking {@link BufferedInputStream#available()} costs a system call per
 * message even while the buffer still holds data.
 */
public final class RelayInput extends BufferedInputStream {

    RelayInput(InputStream in, int size) {
        super(in, size);
    }

    /**
     * Whether a read would return without waiting: bytes are buffered here, or have arrived at the
     * socket. Called by the thread that reads this stream, which alone moves its position.
     */
    public boolean hasPendingBytes() throws IOException {
        if (count > pos) {
            return true;
        }
        InputStream source = in;
        if (source == null) {
            throw new IOException("Stream closed");
        }
        return source.available() > 0;
    }

    /**
     * Whether this buffer already holds bytes it read ahead, without asking the socket (no system
     * call). Called by the thread that reads this stream, which alone moves its position.
     */
    public boolean hasBufferedBytes() {
        return count > pos;
    }
}
