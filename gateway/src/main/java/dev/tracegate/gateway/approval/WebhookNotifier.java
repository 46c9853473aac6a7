package dev.tracegate.gateway.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.WebhookConfig;
import dev.tracegate.gateway.identity.Identity;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tells an HTTP receiver about a held command with a signed JSON POST.
 *
 * <p>The body carries the approval (id, requester, connection, command, class, rule, reason,
 * expiry) and how to approve it ({@code approve_command}, {@code approve_url}).
 * {@code X-Tracegate-Signature: sha256=<hex>} is the HMAC-SHA256 of the exact body bytes under
 * the shared secret. {@code X-Tracegate-Timestamp} (Unix seconds) is repeated as the body's
 * {@code timestamp}, so the signature covers it and receivers can refuse stale replays.
 */
public final class WebhookNotifier implements ApprovalNotifier {

    static final String SIGNATURE_HEADER = "X-Tracegate-Signature";
    static final String TIMESTAMP_HEADER = "X-Tracegate-Timestamp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final byte[] secret;
    private final WebhookDelivery delivery;
    private final Clock clock;

    /**
     * @param firstBackoff wait before the second attempt; doubled for each further one
     */
    public WebhookNotifier(URI url, String secret, int attempts, Duration firstBackoff, Clock clock) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook needs a signing secret");
        }
        this.url = url;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.delivery = new WebhookDelivery(attempts, firstBackoff);
        this.clock = clock;
    }

    /** Resolves the secret now, so a missing one fails start-up rather than the first notification. */
    public static WebhookNotifier from(WebhookConfig config) {
        return new WebhookNotifier(URI.create(config.url()), config.secret().resolve(), config.attempts(),
                Duration.ofSeconds(1), Clock.systemUTC());
    }

    @Override
    public void requested(PendingApproval approval, String approveCommand, String approveUrl) {
        delivery.deliver(url.getHost(), approval.id(), () -> signedRequest(approval, approveCommand, approveUrl));
    }

    private HttpRequest signedRequest(PendingApproval approval, String approveCommand, String approveUrl) {
        long timestamp = clock.instant().getEpochSecond();
        byte[] body = body(approval, approveCommand, approveUrl, timestamp);
        return WebhookDelivery.post(url, body)
                .header(SIGNATURE_HEADER, "sha256=" + hmacHex(secret, body))
                .header(TIMESTAMP_HEADER, Long.toString(timestamp))
                .build();
    }

    static byte[] body(PendingApproval approval, String approveCommand, String approveUrl, long timestamp) {
        ApprovalRequest request = approval.request();
        ObjectNode body = JSON.createObjectNode();
        body.put("event", "approval.requested");
        body.put("id", approval.id());
        body.set("requester", requester(request.requester()));
        body.put("session", request.sessionId());
        body.put("connection", request.connection());
        body.put("protocol", request.protocol());
        body.put("command", request.command());
        body.put("class", request.statementClass());
        body.put("rule", request.rule());
        body.put("reason", request.reason());
        request.spec().approverGroups().forEach(body.putArray("approver_groups")::add);
        body.put("min_approvals", request.spec().minApprovals());
        body.put("requested_at", approval.requestedAt().toString());
        body.put("expires_at", approval.expiresAt().toString());
        body.put("approve_command", approveCommand);
        body.put("approve_url", approveUrl);
        body.put("timestamp", timestamp);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static ObjectNode requester(Identity identity) {
        ObjectNode node = JSON.createObjectNode();
        node.put("iss", identity.issuer());
        node.put("sub", identity.subject());
        if (identity.name() != null) {
            node.put("name", identity.name());
        }
        if (identity.email() != null) {
            node.put("email", identity.email());
            if (!identity.emailVerified()) {
                // As in the evidence: the provider did not check it, so the receiver must not take it as the requester's.
                node.put("email_verified", false);
            }
        }
        return node;
    }

    static String hmacHex(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
