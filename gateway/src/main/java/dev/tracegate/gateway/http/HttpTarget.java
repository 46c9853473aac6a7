package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.tls.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * One HTTP connection's target: where requests go and which credential they carry. The HTTP
 * client is the JDK's, one per target, never following redirects (a redirect goes back to the
 * caller, who asks again through the gateway) and verifying the target's certificate.
 */
final class HttpTarget {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpConnectionConfig connection;
    private final URI base;
    private final HttpClient client;

    HttpTarget(HttpConnectionConfig connection) {
        this.connection = connection;
        String url = connection.url();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        HttpCredentialConfig credential = connection.credential();
        boolean mtls = credential != null && credential.type().equals("mtls");
        if (connection.caCertificate() != null || mtls) {
            builder.sslContext(tlsContext(connection.caCertificate(), mtls ? credential : null));
        }
        this.client = builder.build();
    }

    HttpConnectionConfig connection() {
        return connection;
    }

    HttpClient client() {
        return client;
    }

    /** The target URI of a path (beginning with /) and raw query (or null). */
    URI resolve(String path, String rawQuery) {
        return URI.create(base + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
    }

    /** Adds the held credential; the caller's own was never copied. */
    void authenticate(HttpRequest.Builder request) {
        HttpCredentialConfig credential = connection.credential();
        if (credential == null || credential.type().equals("mtls")) {
            return; // a client certificate is presented in the TLS handshake
        }
        String secret = credential.secret().resolve();
        switch (credential.type()) {
            case "bearer" -> request.header("Authorization", "Bearer " + secret);
            case "basic" -> request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((credential.username() + ":" + secret).getBytes(StandardCharsets.UTF_8)));
            default -> request.header(credential.header(), secret);
        }
    }

    /** Trusts the configured CA (or the JDK's CAs) and, for mtls, presents the client certificate. */
    private static SSLContext tlsContext(String caFile, HttpCredentialConfig clientCertificate) {
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
