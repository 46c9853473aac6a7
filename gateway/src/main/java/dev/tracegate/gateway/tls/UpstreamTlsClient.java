package dev.tracegate.gateway.tls;

import dev.tracegate.gateway.config.UpstreamTlsMode;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The gateway's TLS to a database it logs in to, for every database protocol: {@code require}
 * encrypts without checking the certificate (libpq's meaning), {@code verify-full} checks the
 * chain against the connection's CA file and the host name.
 */
public final class UpstreamTlsClient {

    private UpstreamTlsClient() {
    }

    /** Starts client-side TLS on a connected socket, after the protocol's own request for it. */
    public static SSLSocket start(Socket socket, String host, int port, UpstreamTlsMode mode, String caCertificate)
            throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers(mode, caCertificate), null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        tls.setUseClientMode(true);
        SSLParameters params = tls.getSSLParameters();
        if (mode == UpstreamTlsMode.VERIFY_FULL) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
            if (!host.matches("[0-9.:]+")) {
                params.setServerNames(List.of(new SNIHostName(host)));
            }
        }
        tls.setSSLParameters(params);
        tls.startHandshake();
        return tls;
    }

    private static TrustManager[] trustManagers(UpstreamTlsMode mode, String caCertificate)
            throws GeneralSecurityException, IOException {
        if (mode == UpstreamTlsMode.REQUIRE) {
            // sslmode=require: encrypted, certificate deliberately not checked (libpq semantics).
            return new TrustManager[] {new AcceptAnyServer()};
        }
        return TrustAnchors.fromPemFile(Path.of(caCertificate));
    }

    /** Trust manager for sslmode=require: encryption without authentication, as libpq defines it. */
    private static final class AcceptAnyServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
