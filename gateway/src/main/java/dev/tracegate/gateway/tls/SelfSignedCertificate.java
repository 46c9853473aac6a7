package dev.tracegate.gateway.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate a gateway without a configured keystore presents: EC P-256, self-signed,
 * {@code CN=tracegate}, valid for 825 days (the most browsers accept), for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}. Written as a PKCS#12 keystore (entry {@code tracegate}) with
 * a random password in a file beside it, both readable by the owner only.
 *
 * <p>Built in process (BouncyCastle assembles the X.509 structure; the JDK's own providers make
 * the key, sign and write the keystore), so no {@code keytool} subprocess and no password on any
 * command line or environment.
 */
final class SelfSignedCertificate {

    static final String ALIAS = "tracegate";
    static final Duration VALIDITY = Duration.ofDays(825);
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private SelfSignedCertificate() {
    }

    /** Creates the key, the certificate, the keystore at {@code keystore} and its {@code passwordFile}. */
    static void write(Path keystore, Path passwordFile) throws IOException, GeneralSecurityException {
        Files.createDirectories(keystore.getParent());
        byte[] secret = new byte[24];
        SecureRandom random = new SecureRandom();
        random.nextBytes(secret);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair pair = generator.generateKeyPair();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {certificate(pair, random)});
        writeOwnerOnly(passwordFile, out -> out.write((new String(password) + "\n").getBytes(StandardCharsets.UTF_8)));
        writeOwnerOnly(keystore, out -> store.store(out, password));
    }

    private static X509Certificate certificate(KeyPair pair, SecureRandom random) throws GeneralSecurityException, IOException {
        X500Name name = new X500Name("CN=tracegate");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(63, random),
                Date.from(now), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the gateway certificate", e);
        }
    }

    /** Writes beside {@code file} and moves into place, so a crash never leaves half a file or a readable one. */
    private static void writeOwnerOnly(Path file, Content content) throws IOException, GeneralSecurityException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, OWNER_ONLY);
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary); // not a POSIX file system: the directory's own permissions apply
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is creating " + file, e);
        }
        try (OutputStream out = Files.newOutputStream(temporary)) {
            content.writeTo(out);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException, GeneralSecurityException;
    }
}
