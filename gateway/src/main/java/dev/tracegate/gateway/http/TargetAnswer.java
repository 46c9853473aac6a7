package dev.tracegate.gateway.http;

import dev.tracegate.gateway.operations.CostAccounting;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

/**
 * The target's answer to one request as Jetty's client receives it: the request's own thread
 * waits for the status and headers ({@link #await}), then reads the body itself from Jetty's
 * content source, so that the body's bytes are parsed on the thread that relays them, and Jetty's
 * threads only wake it when the socket had nothing ready.
 */
final class TargetAnswer implements Response.Listener {

    /** Status, headers and the body's source, once the target has sent its headers. */
    private record Head(Response response, Content.Source body) {
    }

    private final CompletableFuture<Head> head = new CompletableFuture<>();
    private Head received;

    @Override
    public void onContentSource(Response response, Content.Source body) {
        // Not read here, on Jetty's thread: the waiting request reads it (Jetty parses on demand).
        head.complete(new Head(response, body));
    }

    @Override
    public void onFailure(Response response, Throwable failure) {
        head.completeExceptionally(failure);
    }

    @Override
    public void onComplete(Result result) {
        if (result.isFailed()) {
            head.completeExceptionally(result.getFailure()); // a failed request never gets its head
        }
    }

    /** Waits for the status and headers; the target's failure (unreachable, TLS, reset) as an IOException. */
    void await() throws IOException, InterruptedException {
        if (CostAccounting.ON && !head.isDone()) {
            CostAccounting.HAND_OFFS.increment(); // Jetty's thread that parsed the headers wakes this one
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
     * The body as the target sends it. Closing the stream before its end aborts the exchange, so
     * the connection is closed rather than returned to the pool with a body half read.
     */
    InputStream body() {
        Content.Source source = received.body();
        return Content.Source.asInputStream(CostAccounting.ON ? new CountedDemand(source) : source);
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
