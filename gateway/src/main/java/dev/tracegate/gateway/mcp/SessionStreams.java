package dev.tracegate.gateway.mcp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams an MCP session holds open to its client (a {@code GET} the server may send messages
 * on): when the session ends because its sign-in no longer stands, they end with it, as a streamed
 * HTTP answer does, rather than stay open to a client the gateway no longer serves.
 */
final class SessionStreams {

    private final Set<AsyncContext> open = ConcurrentHashMap.newKeySet();
    private volatile boolean ended;

    /** Holds {@code stream} until it completes; one that opens after the session ended is ended at once. */
    void add(AsyncContext stream) {
        open.add(stream);
        stream.addListener(new Forgotten(open, stream));
        if (ended) {
            endAll();
        }
    }

    /** Forgets a stream once it has ended, however it ended. */
    private record Forgotten(Set<AsyncContext> open, AsyncContext stream) implements AsyncListener {

        @Override
        public void onComplete(AsyncEvent event) {
            open.remove(stream);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            onComplete(event);
        }

        @Override
        public void onError(AsyncEvent event) {
            onComplete(event);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A stream is not restarted.
        }
    }

    /** Ends every stream held and every one added from now on. */
    void endAll() {
        ended = true;
        for (AsyncContext stream : open) {
            open.remove(stream);
            try {
                stream.complete();
            } catch (IllegalStateException alreadyEnded) {
                // Completed by the SDK or the client meanwhile: nothing left to end.
            }
        }
    }
}
