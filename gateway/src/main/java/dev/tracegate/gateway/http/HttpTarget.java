package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.ByteBufferPool;

/**
 * One HTTP connection's target: where requests go and which credential they carry, over a
 * {@link TargetHttpClient} of its own (its TLS settings and connection pool are the target's).
 */
final class HttpTarget implements AutoCloseable {

    private final HttpConnectionConfig connection;
    private final String base;
    private final HttpClient client;
    private final HeldCredential credential;
    private volatile Echo echo;

    /** The spellings of the header last sent. */
    private record Echo(HeldCredential.Header header, EchoedCredential spellings) {
    }

    HttpTarget(HttpConnectionConfig connection, Executor threads, ByteBufferPool buffers) {
        this.connection = connection;
        String url = connection.url();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.credential = HeldCredential.of(connection.credential());
        this.client = TargetHttpClient.start(connection, threads, buffers);
    }

    HttpConnectionConfig connection() {
        return connection;
    }

    /**
     * A request for a path (beginning with /, still encoded as the client sent it) and raw query
     * (or null), with no idle timeout while it runs: an event stream may
     * stay silent for as long as the target likes, as it could through the JDK client before.
     */
    Request newRequest(String method, String path, String rawQuery) {
        URI uri = URI.create(base + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        return client.newRequest(uri).method(method)
                .idleTimeout(0, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a caller's header is dropped because the held credential goes in it: the same name to
     * a target that ignores case and reads underscores as hyphens, so it never goes beside the held
     * value for a target to take instead.
     */
    boolean holdsTheCredentialIn(String name) {
        return credential != null && credential.sentIn(name);
    }

    /** Whether requests carry a credential in a header, which the target could echo back. */
    boolean holdsACredential() {
        return credential != null;
    }

    /**
     * Sets the held credential, replacing any header of the same name the caller sent; the caller's
     * own {@code Authorization} was never copied. Returns how the target could echo it back, to be
     * replaced in its answer.
     */
    EchoedCredential authenticate(HttpFields.Mutable headers) {
        if (credential == null) {
            return EchoedCredential.NONE;
        }
        HeldCredential.Header header = credential.header();
        headers.put(header.name(), header.value());
        Echo last = echo;
        if (last == null || last.header() != header) { // the same instance until the secret is read again
            last = new Echo(header, EchoedCredential.of(header.value()));
            echo = last;
        }
        return last.spellings();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // Stopping is best effort; the listener is going away.
        }
    }
}
