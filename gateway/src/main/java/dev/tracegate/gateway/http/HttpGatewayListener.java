package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.engine.ProtocolListener;
import dev.tracegate.gateway.engine.SessionMemory;
import dev.tracegate.gateway.engine.TooManyConnectionsException;
import dev.tracegate.gateway.evidence.SourceAddress;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP gateway: a reverse proxy in front of the configured HTTP connections. Jetty parses
 * HTTP (and refuses malformed requests, conflicting Content-Length and Transfer-Encoding, and
 * oversized headers before any of this code runs); each request is then a {@link ProxiedRequest}
 * on its own virtual thread, so a request waiting for an approval costs almost nothing. A client
 * connection's requests share one evidence session ({@link ClientSessions}). A request in flight
 * holds a place in the heap sessions share ({@link SessionMemory}); without one it is answered 503
 * with Retry-After.
 */
public final class HttpGatewayListener implements ProtocolListener {

    /** Request line plus headers; beyond it Jetty answers 431. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** When a client refused for want of memory may try again: sessions come and go within seconds. */
    static final long RETRY_AFTER_SECONDS = 5;

    private final QueuedThreadPool threads;
    private final Server server;
    private final ServerConnector connector;
    private final HttpRoutes routes;
    private final ClientSessions sessions = new ClientSessions();

    public HttpGatewayListener(ListenerConfig config, EngineServices services) throws IOException {
        threads = new QueuedThreadPool();
        threads.setName("http-gateway");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        // Started here, before the targets' HTTP clients that share it, and so stopped by close(), not by the server.
        start(threads, config);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        SslContextFactory.Server sslContext = new SslContextFactory.Server();
        sslContext.setSslContext(services.tls().context());
        SslConnectionFactory encrypted = new SslConnectionFactory(sslContext, plain.getProtocol());
        // With cleartext allowed on loopback, one port serves both; ProxiedRequest refuses cleartext from elsewhere.
        connector = config.allowCleartextOnLoopback()
                ? new ServerConnector(server, new DetectorConnectionFactory(encrypted), plain)
                : new ServerConnector(server, encrypted, plain);
        connector.setHost(config.address());
        connector.setPort(config.port());
        HttpListenerGuards.apply(server, connector, http, config.httpLimits());
        server.addConnector(connector);
        try {
            routes = new HttpRoutes(services.connections(HttpConnectionConfig.class), threads, server.getByteBufferPool());
        } catch (RuntimeException e) {
            stop(threads);
            throw e;
        }
        ProxiedRequest.Context context = new ProxiedRequest.Context(services, routes, config.allowCleartextOnLoopback(),
                new DeferredResponses(Clock.systemUTC()), config.httpLimits().minRequestBytesPerSecond(),
                sessions, new RecordMaskingMemory());
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                SessionMemory.Place place;
                try {
                    place = services.admission().memory().take(HttpEngine.PROTOCOL,
                            SourceAddress.parse(Request.getRemoteAddr(request)));
                } catch (TooManyConnectionsException full) {
                    // The request's body is never read: the heap it would take is what is missing.
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
                    HttpErrors.send(response, callback, 503, full.getMessage(), null);
                    return true;
                }
                Callback giveBack = Callback.from(place::close, callback);
                if (request.getHttpURI().getCanonicalPath().startsWith(DeferredResponses.PATH_PREFIX)) {
                    DeferredStatus.handle(services.admission(), context.deferred(), request, response, giveBack);
                } else {
                    new ProxiedRequest(context, request, response, giveBack).run();
                }
                return true;
            }
        });
        try {
            start(server, config);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private static void start(LifeCycle part, ListenerConfig config) throws IOException {
        try {
            part.start();
        } catch (Exception e) {
            throw new IOException("cannot start the HTTP gateway on " + config.address() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void stop(LifeCycle part) {
        try {
            part.stop();
        } catch (Exception e) {
            // Stopping is best effort; the process is going away.
        }
    }

    @Override
    public String protocol() {
        return HttpEngine.PROTOCOL;
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        stop(server);
        routes.close(); // after the server (no request in flight), before the threads the targets' clients run on
        stop(threads);
        // Before the evidence log stops (listeners stop first): every client connection's session ends in the log.
        sessions.closeAll();
    }
}
