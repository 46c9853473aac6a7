package dev.tracegate.gateway.tls;

import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.TlsConfig;
import dev.tracegate.gateway.config.TlsEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate the gateway presents to clients, and TLS termination on accepted sockets.
 *
 * <p>Without a configured keystore the gateway creates a self-signed certificate on first start
 * ({@link SelfSignedCertificate}) and keeps it under the data directory, so clients that pin it
 * keep working across restarts.
 */
public final class GatewayTls {

    /** ALPN protocol id PostgreSQL 17 clients send with {@code sslnegotiation=direct}. */
    public static final String POSTGRES_ALPN = "postgresql";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayTls.class);

    private final SSLContext context;
    private final SSLContext loopbackClient;
    /** BoringSSL for the database listeners' clients, or null for the JDK's TLS. */
    private final BoringSslServer boringSsl;

    private GatewayTls(SSLContext context, SSLContext loopbackClient, BoringSslServer boringSsl) {
        this.context = context;
        this.loopbackClient = loopbackClient;
        this.boringSsl = boringSsl;
    }

    public static GatewayTls load(TlsConfig config, Path dataDir) {
        try {
            Path keystore;
            char[] password;
            if (config.keystore() != null) {
                keystore = Path.of(config.keystore());
                password = config.password().resolve().toCharArray();
            } else {
                Path dir = dataDir.resolve("tls");
                keystore = dir.resolve("gateway.p12");
                Path passwordFile = dir.resolve("gateway.p12.password");
                if (!Files.exists(keystore)) {
                    SelfSignedCertificate.write(keystore, passwordFile);
                }
                password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, new SecureRandom());
            return new GatewayTls(context, trustingOwnCertificates(store), boringSsl(config.engine(), store, password));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cannot load the gateway TLS certificate: " + e.getMessage());
        }
    }

    private static BoringSslServer boringSsl(TlsEngine engine, KeyStore store, char[] password)
            throws GeneralSecurityException, IOException {
        if (engine == TlsEngine.JDK) {
            return null;
        }
        java.util.Optional<String> unavailable = BoringSslServer.unavailability();
        if (unavailable.isPresent()) {
            if (engine == TlsEngine.OPENSSL) {
                throw new ConfigException("tls.engine is openssl, but BoringSSL cannot run here: " + unavailable.get());
            }
            LOG.info("TLS for database clients by the JDK: BoringSSL cannot run here ({})", unavailable.get());
            return null;
        }
        return BoringSslServer.of(store, password);
    }

    /** Which implementation {@link #accept} uses: {@code openssl} or {@code jdk}. */
    public String engineName() {
        return boringSsl == null ? TlsEngine.JDK.configName() : TlsEngine.OPENSSL.configName();
    }

    /**
     * Starts server-side TLS on an accepted socket of a database listener: by BoringSSL when
     * {@code tls.engine} chose it, else by the JDK.
     *
     * @param consumed bytes already read from the socket that belong to the TLS handshake
     *                 (direct TLS), or null
     */
    public SSLSocket accept(Socket socket, InputStream consumed) throws IOException {
        if (boringSsl != null) {
            EngineTlsSocket tls = new EngineTlsSocket(socket, consumed, boringSsl.newEngine());
            tls.startHandshake();
            return tls;
        }
        // The record layer reads through a small read-ahead: a short record in one system call, not two.
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                new RecordReadAhead(consumed, socket.getInputStream()), true);
        tls.setUseClientMode(false);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        // Direct-TLS clients insist on ALPN "postgresql"; classic SSLRequest clients send none.
        parameters.setApplicationProtocols(new String[] {POSTGRES_ALPN});
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    public SSLContext context() {
        return context;
    }

    /**
     * A client context that trusts exactly the gateway's own certificates: for the gateway's
     * connections to its own listeners (MCP tool calls), which nothing else may answer.
     */
    public SSLContext loopbackClient() {
        return loopbackClient;
    }

    private static SSLContext trustingOwnCertificates(KeyStore store) throws GeneralSecurityException, IOException {
        KeyStore own = KeyStore.getInstance("PKCS12");
        own.load(null, null);
        for (String alias : java.util.Collections.list(store.aliases())) {
            java.security.cert.Certificate certificate = store.getCertificate(alias);
            if (certificate != null) {
                own.setCertificateEntry(alias, certificate);
            }
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(own);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), new SecureRandom());
        return client;
    }
}
