package dev.tracegate.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal OIDC provider on the JDK's HTTP server whose published key set the test controls,
 * for key rotation and for algorithms mock-oauth2-server does not sign with. Counts key set fetches.
 */
final class StaticKeyIssuer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger keySetFetches = new AtomicInteger();
    private volatile List<JWK> published = List.of();
    private volatile String discoveredIssuer;
    private volatile boolean down;

    StaticKeyIssuer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> send(exchange, down ? null : Map.of(
                "issuer", discoveredIssuer, "jwks_uri", issuer() + "/keys",
                "subject_types_supported", List.of("public"), "response_types_supported", List.of("code"))));
        server.createContext("/keys", exchange -> {
            keySetFetches.incrementAndGet();
            send(exchange, down ? null : new JWKSet(published).toJSONObject(true));
        });
        server.start();
        discoveredIssuer = issuer();
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void publish(JWK... keys) {
        published = List.of(keys);
    }

    /** Makes discovery name another issuer, as a misconfigured or hostile provider might. */
    void discoveryNamesIssuer(String issuer) {
        discoveredIssuer = issuer;
    }

    /** While down, discovery and the key set answer 503, as a provider in an outage does. */
    void down(boolean down) {
        this.down = down;
    }

    /** Requests for the key set, answered or not. */
    int keySetFetches() {
        return keySetFetches.get();
    }

    String es256Token(ECKey key, String subject, String audience, Instant now) throws JOSEException {
        return token(JWSAlgorithm.ES256, key.getKeyID(), new ECDSASigner(key), subject, audience, now);
    }

    String token(JWSAlgorithm algorithm, String kid, JWSSigner signer, String subject, String audience, Instant now)
            throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), new JWTClaimsSet.Builder()
                .issuer(issuer()).subject(subject).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static void send(HttpExchange exchange, Map<String, Object> json) throws IOException {
        if (json == null) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        byte[] body = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
