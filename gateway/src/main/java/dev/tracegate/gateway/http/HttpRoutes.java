package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.ByteBufferPool;

/**
 * Which HTTP connection a request is for: a connection that lists the request's host name takes
 * the whole path; otherwise the first path segment names the connection and the rest of the
 * path goes to the target ({@code /traces/abc} on connection {@code traces} with URL
 * {@code http://store:8080/api} reaches {@code http://store:8080/api/abc}).
 */
final class HttpRoutes implements AutoCloseable {

    /** Where one request goes. */
    record Route(HttpTarget target, String path) {
    }

    private final Map<String, HttpTarget> byName = new LinkedHashMap<>();
    private final Map<String, HttpTarget> byHost = new LinkedHashMap<>();

    /** @param threads and {@code buffers}: the listener's, which the targets' HTTP clients share */
    HttpRoutes(List<HttpConnectionConfig> connections, Executor threads, ByteBufferPool buffers) {
        for (HttpConnectionConfig connection : connections) {
            HttpTarget target = new HttpTarget(connection, threads, buffers);
            byName.put(connection.name(), target);
            connection.hosts().forEach(host -> byHost.put(host, target));
        }
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    /** The route, or null when no connection serves this host and path. */
    Route resolve(String host, String path) {
        if (host != null) {
            HttpTarget target = byHost.get(stripPort(host).toLowerCase(Locale.ROOT));
            if (target != null) {
                return new Route(target, path);
            }
        }
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        int slash = path.indexOf('/', 1);
        String name = slash < 0 ? path.substring(1) : path.substring(1, slash);
        HttpTarget target = byName.get(name);
        if (target == null) {
            return null;
        }
        return new Route(target, slash < 0 ? "/" : path.substring(slash));
    }

    /** Stops the targets' HTTP clients, closing their pooled connections. */
    @Override
    public void close() {
        byName.values().forEach(HttpTarget::close);
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
