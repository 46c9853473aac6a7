package dev.tracegate.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server key and self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made the
 * way the gateway makes its own ({@link SelfSignedCertificate}), for peers that tests start: the
 * server side's TLS context, and the certificate as a PEM file for a client to trust.
 */
public record TestServerCertificate(SSLContext serverContext, Path caPem) {

    public static TestServerCertificate create(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path passwordFile = dir.resolve("server.password");
        SelfSignedCertificate.write(keystore, passwordFile);
        char[] password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        Path pem = dir.resolve("server-ca.pem");
        writePem(pem, store.getCertificate(SelfSignedCertificate.ALIAS).getEncoded());
        return new TestServerCertificate(context, pem);
    }

    private static void writePem(Path file, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
    }
}
