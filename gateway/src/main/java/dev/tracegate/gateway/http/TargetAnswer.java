package dev.tracegate.gateway.http;

import dev.tracegate.gateway.operations.CostAccounting;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;

/**
 * The target's answer to one request as Jetty's client receives it: the request's own thread
 * waits for it ({@link #await}) and then relays it.
 *
 * <p>An answer announced with a {@code Content-Length} of at most {@link ResponseRelay#WHOLE_BYTES}
 * is collected whole where it arrives (Jetty's selector thread, which parses it), and the request's
 * thread is woken once, with the whole body: the relay holds such a body whole anyway before the
 * client sees any of it. The exchange then ends on the selector's thread, which re-arms the pooled
 * connection for reading itself; ended on the request's thread, the re-arm had to wake the selector
 * (a system call and a context switch per request). Any other answer's body is read by the
 * request's thread from Jetty's content source, as it streams, so that its bytes are parsed on the
 * thread that relays them.
 */
final class TargetAnswer implements Response.Listener {

    /** Status, headers and the body: its source, or its bytes when collected whole. */
    private record Head(Response response, Content.Source body, byte[] whole) {
    }

    /** A small body whose status and headers came but which broke before its end. */
    static final class CutShort extends IOException {
        CutShort(Throwable failure) {
            super("the target broke off its answer: " + failure.getClass().getSimpleName(), failure);
        }
    }

    private final CompletableFuture<Head> head = new CompletableFuture<>();
    /** The status and headers came: a failure now breaks off a body being collected. */
    private volatile boolean headArrived;
    private Head received;

    /**
     * An answer that has no body by its status or its request ({@code 204}, {@code 304}, a
     * {@code HEAD}'s) ends the target's connection instead of returning it to the pool: a target
     * that still writes a body after it (a framework that sends the head, then what the handler
     * wrote) may have it arrive after the pool has sent the next caller's request on that
     * connection, which then reads it as its answer, a 502 or, shaped as an answer, the wrong one.
     * Jetty's client closes a connection whose answer says {@code Connection: close}; that header
     * is the gateway's own and never reaches the caller (hop-by-hop). A {@code 101 Switching
     * Protocols} fails the exchange (the client gets 502), its connection closed.
     */
    @Override
    public void onHeaders(Response response) {
        if (response.getStatus() == HttpStatus.SWITCHING_PROTOCOLS_101) {
            // The gateway never asks for another protocol (Upgrade is not forwarded), and relays none: a target
            // that switches anyway would have the client wait for an answer that never comes.
            response.abort(new IOException("the target switched protocols (101), which the gateway does not relay"));
            return;
        }
        if (hasNoBody(response) && response instanceof HttpResponse ours) {
            ours.headers(headers -> headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()));
        }
    }

    private static boolean hasNoBody(Response response) {
        int status = response.getStatus();
        return status == HttpStatus.NO_CONTENT_204 || status == HttpStatus.NOT_MODIFIED_304
                || HttpMethod.HEAD.is(response.getRequest().getMethod());
    }

    @Override
    public void onContentSource(Response response, Content.Source body) {
        headArrived = true;
        long length = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (length >= 0 && length <= ResponseRelay.WHOLE_BYTES) {
            new WholeBody(response, body, (int) length).collect();
        } else {
            // Not read here, on Jetty's thread: the waiting request reads it (Jetty parses on demand).
            head.complete(new Head(response, body, null));
        }
    }

    @Override
    public void onFailure(Response response, Throwable failure) {
        failed(failure);
    }

    @Override
    public void onComplete(Result result) {
        if (result.isFailed()) {
            failed(result.getFailure()); // a failed request never gets its head
        }
    }

    /** No answer, or (with its head come) a small body broken off; without effect once the answer was handed over. */
    private void failed(Throwable failure) {
        head.completeExceptionally(headArrived ? new CutShort(failure) : failure);
    }

    /**
     * Waits for the status and headers (and a small body whole); the target's failure (unreachable,
     * TLS, reset, a small body cut short) as an IOException.
     */
    void await() throws IOException, InterruptedException {
        if (CostAccounting.ON && !head.isDone()) {
            CostAccounting.HAND_OFFS.increment(); // Jetty's thread that parsed the answer wakes this one
        }
        try {
            received = head.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    int status() {
        return received.response().getStatus();
    }

    HttpFields headers() {
        return received.response().getHeaders();
    }

    /**
     * The body whole, exactly as long as its {@code Content-Length}, when it was collected so; null
     * for a body that streams (and for an answer that has no body, such as a HEAD's).
     */
    byte[] whole() {
        byte[] whole = received.whole();
        return whole != null && whole.length > 0
                && whole.length == received.response().getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) ? whole : null;
    }

    /**
     * Breaks off an answer being relayed (the key its caller signed in with no longer stands): its
     * body stops with {@code why}, and nothing more of it reaches the caller.
     */
    void abort(Throwable why) {
        Head arrived = head.getNow(null);
        if (arrived != null) {
            arrived.response().abort(why);
        }
    }

    /**
     * The body as the target sends it. Closing the stream before its end aborts the exchange, so
     * the connection is closed rather than returned to the pool with a body half read.
     */
    InputStream body() {
        if (received.whole() != null) {
            return new ByteArrayInputStream(received.whole());
        }
        Content.Source source = received.body();
        return Content.Source.asInputStream(CostAccounting.ON ? new CountedDemand(source) : source);
    }

    /**
     * A small body read into one array of its announced length as Jetty parses it, on the thread
     * that parses it; the answer is handed over when the body has ended. A body that ends short of
     * its length is a HEAD's or a 304's, which have none; one that breaks fails the answer.
     */
    private final class WholeBody implements Runnable {

        private final Response response;
        private final Content.Source source;
        private final byte[] bytes;
        private int filled;

        WholeBody(Response response, Content.Source source, int length) {
            this.response = response;
            this.source = source;
            this.bytes = new byte[length];
        }

        /** Jetty has more of the body: read on. */
        @Override
        public void run() {
            collect();
        }

        void collect() {
            while (true) {
                Content.Chunk chunk = source.read();
                if (chunk == null) {
                    source.demand(this); // run on the thread that parses what arrives next
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    failed(chunk.getFailure());
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                int n = buffer.remaining();
                if (n > bytes.length - filled) {
                    chunk.release();
                    IOException longer = new IOException("the target's body is longer than its Content-Length");
                    source.fail(longer);
                    failed(longer);
                    return;
                }
                buffer.get(bytes, filled, n);
                filled += n;
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    if (CostAccounting.ON) {
                        CostAccounting.COPIES.increment(); // out of Jetty's buffers, the one array relayed
                    }
                    head.complete(new Head(response, null, filled == bytes.length ? bytes : Arrays.copyOf(bytes, filled)));
                    return;
                }
            }
        }
    }

    /** Counts a hand-off each time the body's reader found nothing parsed and had to wait for the socket. */
    private record CountedDemand(Content.Source source) implements Content.Source {

        @Override
        public Content.Chunk read() {
            return source.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            CostAccounting.HAND_OFFS.increment();
            source.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            source.fail(failure);
        }

        @Override
        public void fail(Throwable failure, boolean last) {
            source.fail(failure, last);
        }

        @Override
        public long getLength() {
            return source.getLength();
        }
    }
}
