package dev.tracegate.gateway.engine;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The buffers a session relays through, one per direction and side, sized for what a session
 * costs in heap rather than for the largest message: they are allocated for every session, idle
 * or not, and the gateway's heap is what bounds how many sessions it holds
 * ({@code limits.heapPerSessionKiB}). Messages larger than a buffer pass through it unbuffered, so
 * a smaller buffer costs system calls on small messages only, never correctness.
 *
 * <p>Measured on idle authenticated TLS PostgreSQL sessions: with 64 KiB for each of the four
 * buffers, they were 256 of the 300 KiB a session held in heap. The write buffers start at
 * {@link #INITIAL_OUTPUT_BYTES} and grow to {@link #OUTPUT_BYTES} only for a burst that needs it
 * ({@link RelayOutput}): a log-in's answers and a short result fit in the first size, so a short or
 * idle session never allocates the rest.
 */
public final class RelayBuffers {

    /** What is read ahead of the frame reader: several small messages per read. */
    public static final int INPUT_BYTES = 8 * 1024;
    /** What is written at once: one full TLS record (16 KiB of payload) per write to a TLS socket. */
    public static final int OUTPUT_BYTES = 16 * 1024;
    /** What a write buffer starts with: a PostgreSQL log-in's answers (about 450 bytes) and a short result. */
    public static final int INITIAL_OUTPUT_BYTES = 1024;

    private RelayBuffers() {
    }

    public static RelayInput input(InputStream in) {
        return new RelayInput(in, INPUT_BYTES);
    }

    public static RelayOutput output(OutputStream out) {
        return new RelayOutput(out, INITIAL_OUTPUT_BYTES, OUTPUT_BYTES);
    }
}
