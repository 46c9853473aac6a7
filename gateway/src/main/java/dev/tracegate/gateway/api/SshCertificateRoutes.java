package dev.tracegate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.ssh.SshCertificateAuthority;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.config.RoutesConfig;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * {@code POST /api/ssh/certificates}: a short-lived OpenSSH user certificate for the caller's
 * public key, signed by the gateway's SSH CA ({@code tracegate ssh login}). It never outlives the
 * sign-in behind the caller's credential, and its issue is an {@code admin.action} event, durable
 * before the certificate is handed out.
 */
final class SshCertificateRoutes {

    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SshCertificateAuthority authority;
    private final EvidenceLog evidence;
    private final int sshPort;

    private SshCertificateRoutes(SshCertificateAuthority authority, EvidenceLog evidence, int sshPort) {
        this.authority = authority;
        this.evidence = evidence;
        this.sshPort = sshPort;
    }

    /** @param authority null when no SSH connection is configured: the route then says so */
    static void register(RoutesConfig routes, SshCertificateAuthority authority, EvidenceLog evidence,
                         int sshPort) {
        SshCertificateRoutes handlers = new SshCertificateRoutes(authority, evidence, sshPort);
        routes.post("/api/ssh/certificates", handlers::issue);
    }

    private void issue(Context ctx) {
        if (authority == null) {
            throw new ApiException(HttpStatus.NOT_FOUND, "no SSH connection is configured");
        }
        SignIn signIn = ctx.attribute(ApiServer.SIGN_IN);
        PublicKey key = publicKey(ctx);
        Instant requested = Instant.now().plus(lifetime(ctx));
        Instant notAfter = requested.isBefore(signIn.notAfter()) ? requested : signIn.notAfter();
        String certificate = authority.issue(signIn, key, notAfter);
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("action", "ssh.certificate.issue");
        detail.put("valid_before", notAfter.toString());
        detail.put("key", KeyUtils.getFingerPrint(key));
        try {
            evidence.appendDurably(new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, signIn.identity(), null, null,
                    null, detail));
        } catch (EvidenceLogUnavailableException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "no certificate issued: " + e.getMessage());
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("certificate", certificate, "valid_before", notAfter.toString(), "ca", authority.publicKeyLine(),
                "ssh_port", sshPort, "principal", SshCertificateAuthority.principal(signIn.identity())));
    }

    private static PublicKey publicKey(Context ctx) {
        try {
            JsonNode body = JSON.readTree(ctx.body());
            String line = body.path("public_key").asText("").strip();
            PublicKey key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null,
                    PublicKeyEntryResolver.FAILING);
            if (key == null || key instanceof OpenSshCertificate) {
                throw new IllegalArgumentException("not a plain public key");
            }
            return key;
        } catch (Exception e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "public_key must be one OpenSSH public key line (ssh-ed25519 AAAA...)");
        }
    }

    private static Duration lifetime(Context ctx) {
        String minutes = ctx.queryParam("minutes");
        if (minutes == null) {
            return DEFAULT_LIFETIME;
        }
        try {
            long value = Long.parseLong(minutes.strip());
            if (value > 0 && value <= SshCertificateAuthority.MAX_LIFETIME.toMinutes()) {
                return Duration.ofMinutes(value);
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw new ApiException(HttpStatus.BAD_REQUEST, "minutes must be a whole number from 1 to "
                + SshCertificateAuthority.MAX_LIFETIME.toMinutes());
    }
}
