package dev.tracegate.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** The CA certificates a peer's certificate must chain to, read from a PEM file (one or several). */
public final class TrustAnchors {

    private TrustAnchors() {
    }

    /** Trust managers that accept chains to the certificates in {@code pemFile}, and to nothing else. */
    public static TrustManager[] fromPemFile(Path pemFile) throws IOException, GeneralSecurityException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        try (InputStream in = Files.newInputStream(pemFile)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        return factory.getTrustManagers();
    }

    /** A client TLS context trusting {@code pemFile}'s CAs, or the JDK's when it is null. */
    public static SSLContext clientContext(String pemFile) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, pemFile == null ? null : fromPemFile(Path.of(pemFile)), null);
        return context;
    }
}
