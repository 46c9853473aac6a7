package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracegate ssh login}: a fresh key pair and a short-lived OpenSSH certificate for it,
 * signed by the gateway's SSH CA for whoever holds $TRACEGATE_TOKEN or the sign-in of
 * {@code tracegate login}; then the {@code ~/.ssh/config} lines to use them. Nothing long-lived
 * stays on the laptop: the certificate ends within hours, and never after the sign-in.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Get a short-lived SSH certificate from the gateway for a fresh key, and print the ~/.ssh/config lines.",
                "Example: tracegate ssh login >> ~/.ssh/config; ssh web@tracegate"})
public final class SshLoginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", description = "the gateway API URL (default: $TRACEGATE_SERVER)")
    String server;

    @Option(names = "--issuer", description = "the sign-in to use (default: $TRACEGATE_TOKEN, else the most recent tracegate login)")
    String issuer;

    @Option(names = "--minutes", defaultValue = "60", description = "how long the certificate lives, at most 480 (default: ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--dir", description = "where the key and certificate go (default: ~/.tracegate/ssh)")
    Path dir;

    @Option(names = "--host-alias", defaultValue = "tracegate", description = "the Host name in the printed config (default: ${DEFAULT-VALUE})")
    String alias;

    private final GatewayCaller caller;

    /** Uses the current user's sign-ins; picocli calls this. */
    public SshLoginCommand() {
        this(CredentialStore.forCurrentUser(), System.getenv(), Clock.systemUTC());
    }

    SshLoginCommand(CredentialStore store, Map<String, String> environment, Clock clock) {
        this.caller = new GatewayCaller(store, environment, clock);
    }

    @Override
    public Integer call() {
        try {
            URI uri = caller.server(server);
            Path keys = dir != null ? dir : Path.of(System.getProperty("user.home"), ".tracegate", "ssh");
            Path key = keys.resolve("id_ecdsa");
            writeFreshKey(keys, key);
            String publicKey = Files.readString(Path.of(key + ".pub")).strip();
            GatewayTokenClient.Certificate issued = new GatewayTokenClient().certificate(uri,
                    caller.bearer(issuer, TokenKind.ACCESS_TOKEN, TokenRenewal.MARGIN), publicKey, minutes);
            Files.writeString(Path.of(key + "-cert.pub"), issued.certificate() + "\n", StandardCharsets.UTF_8);
            print(uri, key, issued);
            return 0;
        } catch (CliException | IOException e) {
            return SignInFailure.report(spec, e);
        }
    }

    /** A new EC P-256 key pair (owner-only), replacing the previous one: each login gets its own key. */
    private static void writeFreshKey(Path keys, Path key) throws IOException {
        try {
            Files.createDirectories(keys);
            Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            ByteArrayOutputStream secret = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "tracegate", null, secret);
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(key, secret.toByteArray());
            ByteArrayOutputStream open = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair.getPublic(), "tracegate", open);
            Files.write(Path.of(key + ".pub"), open.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new CliException("cannot generate an SSH key: " + e.getMessage());
        }
    }

    private void print(URI api, Path key, GatewayTokenClient.Certificate issued) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("# tracegate ssh login: certificate valid until " + issued.validBefore());
        out.println("Host " + alias);
        out.println("    HostName " + api.getHost());
        if (issued.sshPort() > 0) {
            out.println("    Port " + issued.sshPort());
        }
        out.println("    IdentityFile " + key);
        out.println("    CertificateFile " + key + "-cert.pub");
        out.println("    IdentitiesOnly yes");
        out.println("    PreferredAuthentications publickey,keyboard-interactive");
        out.println("# then: ssh <connection>@" + alias + "   (e.g. ssh web@" + alias + ", sftp web@" + alias + ")");
        out.flush();
    }
}
