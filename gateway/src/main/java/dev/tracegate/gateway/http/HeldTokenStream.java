package dev.tracegate.gateway.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token stream's events on their way to the caller: written as {@link TokenStreamText} lets
 * them go, and at the latest {@link #MAX_WAIT_MILLIS} after the first event held back came. A
 * target that stops after an event ending in an unfinished word (a model pausing for a tool call,
 * a stream that hangs) would otherwise leave the caller waiting for the next event for ever.
 * What leaves at the bound is masked as if its text ended there, as at the stream's end: a value
 * held whole is found, a value's start is scanned as it is (and the rest of it, should it come,
 * is cut from the events after, as a value begun in events already passed on is).
 *
 * <p>Everything written to the caller's stream while the stream's reader handles a line must
 * happen inside {@code synchronized (this)}: the bound is kept by a thread of its own, which
 * writes under the same lock.
 *
 * @param <E> the events, as their writer keeps them
 */
final class HeldTokenStream<E> {

    /** Longer than the gap between an LLM's tokens, short enough for a reader to wait it out. */
    static final long MAX_WAIT_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(HeldTokenStream.class);

    /** Writes events let go, in order. */
    interface EventWriter<E> {
        void write(List<TokenStreamText.Released<E>> released) throws IOException;
    }

    private final TokenStreamText<E> text;
    private final EventWriter<E> writer;
    private final OutputStream out;
    /** When each held event came, oldest first. */
    private final ArrayDeque<Long> heldSince = new ArrayDeque<>();
    private boolean watching;
    private boolean ended;
    /** What failed writing at the bound, thrown to the reader at its next event. */
    private IOException failedWrite;
    private RuntimeException refused;

    /** @param out flushed after events the bound let go */
    HeldTokenStream(TokenStreamText<E> text, EventWriter<E> writer, OutputStream out) {
        this.text = text;
        this.writer = writer;
        this.out = out;
    }

    /** Adds a dispatched event and writes the events that may go now. */
    synchronized void add(E event, List<TokenStreamText.Piece> pieces) throws IOException {
        rethrow();
        heldSince.addLast(System.nanoTime());
        written(text.add(event, pieces));
        if (text.holding() && !watching) {
            watching = true;
            Thread.ofVirtual().name("token-stream-bound").start(this::watch);
        }
    }

    /** Whether events are held back. */
    synchronized boolean holding() {
        return text.holding();
    }

    /** The stream ended: every event held is written, masked across events. */
    synchronized void end() throws IOException {
        rethrow();
        ended = true;
        written(text.end());
    }

    /** The stream was left (an error, a refusal): nothing held is written any more. */
    synchronized void close() {
        ended = true;
    }

    private void rethrow() throws IOException {
        if (failedWrite != null) {
            throw failedWrite;
        }
        if (refused != null) {
            throw refused;
        }
    }

    private void written(List<TokenStreamText.Released<E>> released) throws IOException {
        for (int k = 0; k < released.size(); k++) {
            heldSince.pollFirst();
        }
        writer.write(released);
    }

    /** Waits until the oldest held event has waited the bound, lets every held event go, and stops. */
    private void watch() {
        try {
            while (true) {
                long wait;
                synchronized (this) {
                    if (ended || !text.holding()) {
                        watching = false;
                        return;
                    }
                    wait = heldSince.getFirst() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS) - System.nanoTime();
                    if (wait <= 0) {
                        watching = false;
                        letGo();
                        return;
                    }
                }
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes every held event, masked as if the text ended here; a failure waits for the reader. */
    private void letGo() {
        try {
            written(text.lapse());
            out.flush();
        } catch (IOException e) {
            LOG.debug("held events not passed on: {}", e.toString());
            failedWrite = e;
        } catch (RuntimeException e) { // a value the profile refuses: the reader ends the response as it would
            refused = e;
        }
    }
}
