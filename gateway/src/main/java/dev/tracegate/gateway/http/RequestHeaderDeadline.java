package dev.tracegate.gateway.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngineResult;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for the part of an HTTP exchange the client alone controls: from connecting to the
 * end of the first request's headers (TLS handshake included), and for each further request on a
 * kept-alive connection, from its first byte to the end of its headers. Jetty's idle timeout
 * cannot do this: a client sending a byte every few seconds (slowloris) resets it forever and
 * holds a connection slot. Once a second every open connection of the connector is looked at; one
 * past its deadline gets 408 (if its headers had started) and is closed.
 */
final class RequestHeaderDeadline extends AbstractLifeCycle implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHeaderDeadline.class);
    private static final long SWEEP_MILLIS = 1_000;
    private static final String TIMED_OUT_BODY = "{\"error\":\"the request headers did not arrive within the limit\"}";
    private static final byte[] TIMED_OUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
            + "Connection: close\r\nContent-Length: " + TIMED_OUT_BODY.length() + "\r\n\r\n" + TIMED_OUT_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private final long timeoutNanos;
    private final Scheduler scheduler;
    /** Each open connection, with when it opened and when the headers it is reading began. */
    private final Map<Connection, Watch> open = new ConcurrentHashMap<>();

    private static final class Watch {
        final long openedNanos = System.nanoTime();
        long headersSinceNanos;
        long headersOfMessage = -1;
    }

    RequestHeaderDeadline(long timeoutSeconds, Scheduler scheduler) {
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        this.scheduler = scheduler;
    }

    @Override
    protected void doStart() {
        scheduler.schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        open.put(connection, new Watch());
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    private void sweep() {
        if (!isRunning()) {
            return;
        }
        try {
            long now = System.nanoTime();
            open.forEach((connection, watch) -> {
                if (overdue(connection, watch, now)) {
                    cutOff(connection);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("checking request header deadlines failed: {}", e.toString());
        } finally {
            scheduler.schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private boolean overdue(Connection connection, Watch watch, long now) {
        if (connection instanceof HttpConnection http) {
            var parser = http.getParser();
            if (parser.isStart()) {
                // Waiting for a request: the first one has a deadline from connecting; later ones only once begun.
                return http.getMessagesIn() == 0 && now - watch.openedNanos > timeoutNanos;
            }
            if (!parser.inHeaderState()) {
                return false;
            }
            if (watch.headersOfMessage != http.getMessagesIn()) {
                watch.headersOfMessage = http.getMessagesIn();
                watch.headersSinceNanos = now;
            }
            return now - (http.getMessagesIn() == 0 ? watch.openedNanos : watch.headersSinceNanos) > timeoutNanos;
        }
        if (connection instanceof SslConnection ssl && ssl.getSSLEngine().getSession().isValid()
                && ssl.getSSLEngine().getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            return false; // handshake done: what follows is the HTTP connection's to watch
        }
        // A TLS handshake, or the first bytes that tell TLS from plain HTTP, still under way.
        return now - watch.openedNanos > timeoutNanos;
    }

    private void cutOff(Connection connection) {
        open.remove(connection);
        EndPoint endPoint = connection.getEndPoint();
        LOG.debug("closing {}: request headers not complete within the deadline", endPoint.getRemoteSocketAddress());
        if (connection instanceof HttpConnection http && !http.getParser().isStart()) {
            endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(TIMED_OUT));
        } else {
            endPoint.close();
        }
    }
}
