package dev.tracegate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.config.TlsConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    @TempDir
    Path dataDir;

    @Test
    void aGatewayWithoutAKeystoreGeneratesOneWithTheDocumentedDefaults() throws Exception {
        GatewayTls.load(new TlsConfig(null, null), dataDir);

        Path keystore = dataDir.resolve("tls/gateway.p12");
        Path passwordFile = dataDir.resolve("tls/gateway.p12.password");
        for (Path file : List.of(keystore, passwordFile)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
        X509Certificate certificate = certificate(keystore, Files.readString(passwordFile).strip().toCharArray());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=tracegate");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(825));
        assertThat(certificate.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(Files.list(dataDir.resolve("tls"))).as("no temporary file left behind").hasSize(2);
    }

    @Test
    void theGeneratedCertificateIsKeptAcrossRestarts() throws Exception {
        GatewayTls.load(new TlsConfig(null, null), dataDir);
        byte[] first = Files.readAllBytes(dataDir.resolve("tls/gateway.p12"));

        GatewayTls.load(new TlsConfig(null, null), dataDir);

        assertThat(Files.readAllBytes(dataDir.resolve("tls/gateway.p12"))).isEqualTo(first);
    }

    private static X509Certificate certificate(Path keystore, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        assertThat(store.isKeyEntry(SelfSignedCertificate.ALIAS)).isTrue();
        return (X509Certificate) store.getCertificate(SelfSignedCertificate.ALIAS);
    }
}
