package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * The OAuth client that {@code tracegate} signs in as, registered with the provider. Most CLI
 * registrations are public clients (no secret, PKCE only); a confidential one keeps its secret in a
 * file, which is read whenever it is needed and never copied elsewhere.
 *
 * @param secretFile null for a public client
 */
record ClientRegistration(String clientId, Path secretFile, AuthMethod authMethod) {

    /** How the client proves itself at the token endpoint (RFC 6749 section 2.3). */
    enum AuthMethod {
        NONE("none"), CLIENT_SECRET_BASIC("client_secret_basic"), CLIENT_SECRET_POST("client_secret_post");

        final String wireName;

        AuthMethod(String wireName) {
            this.wireName = wireName;
        }

        static AuthMethod named(String wireName) {
            for (AuthMethod method : values()) {
                if (method.wireName.equals(wireName)) {
                    return method;
                }
            }
            throw new IllegalArgumentException("unknown client authentication method " + wireName);
        }
    }

    ClientRegistration {
        if (clientId == null || clientId.isBlank()) {
            throw new CliException("--client-id is empty");
        }
        if ((secretFile == null) != (authMethod == AuthMethod.NONE)) {
            throw new IllegalArgumentException("a client secret file goes with a secret authentication method");
        }
    }

    /** The registration for {@code clientId}, authenticating the way the provider prefers. */
    static ClientRegistration choose(String clientId, Path secretFile, ProviderMetadata provider) {
        if (secretFile == null) {
            return new ClientRegistration(clientId, null, AuthMethod.NONE);
        }
        if (provider.tokenEndpointAuthMethods().contains(AuthMethod.CLIENT_SECRET_BASIC.wireName)) {
            return new ClientRegistration(clientId, secretFile, AuthMethod.CLIENT_SECRET_BASIC);
        }
        if (provider.tokenEndpointAuthMethods().contains(AuthMethod.CLIENT_SECRET_POST.wireName)) {
            return new ClientRegistration(clientId, secretFile, AuthMethod.CLIENT_SECRET_POST);
        }
        throw new CliException(provider.issuer() + " accepts client secrets neither as client_secret_basic nor as "
                + "client_secret_post (it supports " + provider.tokenEndpointAuthMethods() + "); register a public client instead");
    }

    /** Adds this client's identification, and its secret if it has one, to a token-endpoint request. */
    void authenticate(HttpRequest.Builder request, Map<String, String> form) throws IOException {
        switch (authMethod) {
            case NONE -> form.put("client_id", clientId);
            case CLIENT_SECRET_POST -> {
                form.put("client_id", clientId);
                form.put("client_secret", secret());
            }
            case CLIENT_SECRET_BASIC -> {
                // RFC 6749 section 2.3.1: both parts are form-encoded before they are joined.
                String pair = formEncode(clientId) + ":" + formEncode(secret());
                request.header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private String secret() throws IOException {
        String secret;
        try {
            secret = Files.readString(secretFile).strip();
        } catch (NoSuchFileException e) {
            throw new CliException("the client secret file " + secretFile + " does not exist");
        }
        if (secret.isEmpty()) {
            throw new CliException("the client secret file " + secretFile + " is empty");
        }
        return secret;
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
