package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.tls.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Jetty's HTTP client set up as a reverse proxy's client towards one target: it runs on the HTTP
 * gateway's own thread pool and buffers (the request's virtual thread sends the request and reads
 * the answer itself; Jetty's threads only wake it), pools keep-alive connections, verifies the
 * target's certificate and host name (against the configured CA, or the JDK's trusted CAs), and
 * presents the client certificate of an {@code mtls} credential.
 *
 * <p>Everything a browser-like client adds is turned off, because the gateway relays one caller's
 * request and must neither add to it nor let one caller's exchange shape another's: no cookie
 * store (a {@code Set-Cookie} from the target would otherwise be sent with every later caller's
 * request), no redirects followed (the caller gets them), no authentication replayed on a 401, no
 * {@code Accept-Encoding} added nor bodies decompressed (the caller's own header goes through, and
 * the masker sees what the target sent), no {@code User-Agent} or {@code Content-Type} invented.
 *
 * <p>The target's bytes are parsed where they arrive: on the selector's thread when it finds them
 * (the status and headers, which then wake the waiting request), or on the request's own thread
 * when it reads the body. Nothing the gateway hands Jetty's client blocks (the listeners complete a
 * future or wake the thread that reads or writes a body), so the client's connections are
 * {@linkplain Invocable.InvocationType#NON_BLOCKING non-blocking}: otherwise every answer is first
 * handed to a thread of its own, which parses the head and then wakes the request's thread, two
 * hand-offs per request where one does.
 */
final class TargetHttpClient {

    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    /** How long a pooled connection may sit unused before it is closed (the JDK client's default too). */
    private static final long IDLE_CONNECTION_MILLIS = 30_000;
    /** Requests in flight to one target; beyond it they wait for a pooled connection. */
    private static final int MAX_CONNECTIONS = 1024;
    /** Room for the request line and headers the listener accepts, plus the held credential. */
    private static final int REQUEST_HEAD_BYTES = 2 * HttpGatewayListener.MAX_HEADER_BYTES;

    private TargetHttpClient() {
    }

    /** A started client for {@code connection}'s target; stop it when the listener closes. */
    static HttpClient start(HttpConnectionConfig connection, Executor threads, ByteBufferPool buffers) {
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP();
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        client.setExecutor(threads);
        client.setByteBufferPool(buffers);
        client.setName("http-target-" + connection.name());
        client.setSslContextFactory(tls(connection));
        client.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        client.setIdleTimeout(IDLE_CONNECTION_MILLIS);
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        client.setRequestBufferSize(REQUEST_HEAD_BYTES);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setDefaultRequestContentType(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new ConfigException("cannot start the HTTP client for connection " + connection.name() + ": "
                    + e.getMessage());
        }
        // Installed by start(): a gateway relays 401s and compressed bodies as the target sent them.
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        client.getContentDecoderFactories().clear();
        return client;
    }

    private static SslContextFactory.Client tls(HttpConnectionConfig connection) {
        HttpCredentialConfig credential = connection.credential();
        boolean mtls = credential != null && credential.type().equals("mtls");
        SslContextFactory.Client factory = new SslContextFactory.Client();
        factory.setSslContext(context(connection.caCertificate(), mtls ? credential : null));
        factory.setTrustAll(false);
        factory.setEndpointIdentificationAlgorithm("HTTPS");
        return factory;
    }

    /** Trusts the configured CA (or the JDK's CAs) and, for mtls, presents the client certificate. */
    private static SSLContext context(String caFile, HttpCredentialConfig clientCertificate) {
        try {
            TrustManager[] trust = null;
            if (caFile != null) {
                trust = TrustAnchors.fromPemFile(Path.of(caFile));
            }
            KeyManager[] keys = null;
            if (clientCertificate != null) {
                char[] password = clientCertificate.secret().resolve().toCharArray();
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(Path.of(clientCertificate.keystore()))) {
                    store.load(in, password);
                }
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, password);
                keys = factory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // The message names the file and the problem, never the password.
            throw new ConfigException("cannot set up TLS to the target: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }
}
