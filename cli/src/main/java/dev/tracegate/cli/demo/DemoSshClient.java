package dev.tracegate.cli.demo;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.ssh.SshCertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * What the demo's {@code ssh:} line uses: a key of the demo's own and a certificate the gateway's
 * SSH CA signed for the analyst, renewed at every start (valid for the CA's longest lifetime), so
 * the printed command works as pasted, without typing a token.
 */
final class DemoSshClient {

    private DemoSshClient() {
    }

    static void certify(Path dir, Path gatewayDataDir, Identity identity) throws IOException {
        Files.createDirectories(dir);
        Path key = dir.resolve("id_ed25519");
        Files.deleteIfExists(key);
        Files.deleteIfExists(Path.of(key + ".pub"));
        try {
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tracegate-demo", "-f",
                    key.toAbsolutePath().toString()).redirectErrorStream(true).start();
            if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
                throw new IOException("ssh-keygen failed for the demo's SSH key");
            }
            PublicKey publicKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(Path.of(key + ".pub")).strip())
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
            String certificate = SshCertificateAuthority.open(gatewayDataDir).issue(identity, null, publicKey,
                    Instant.now().plus(SshCertificateAuthority.MAX_LIFETIME));
            Files.writeString(Path.of(key + "-cert.pub"), certificate + "\n", StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (GeneralSecurityException e) {
            throw new IOException("the demo's SSH key cannot be read: " + e.getMessage());
        }
    }

    /** The complete command: pasteable, and arguments may be appended ({@code -- 'uname -a'}). */
    static String command(Path dir, int port, String connection) {
        Path key = dir.resolve("id_ed25519").toAbsolutePath();
        return "ssh -p " + port + " -o UserKnownHostsFile=" + dir.resolve("known_hosts").toAbsolutePath()
                + " -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes -o IdentityAgent=none -i " + key
                + " -o CertificateFile=" + key + "-cert.pub " + connection + "@127.0.0.1";
    }
}
