package dev.tracegate.cli.signin;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.tracegate.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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

    /** How this client proves itself at the provider's endpoints; null for a public client, which only names itself. */
    ClientAuthentication authentication() throws IOException {
        return switch (authMethod) {
            case NONE -> null;
            // nimbus form-encodes both parts before joining them (RFC 6749 section 2.3.1).
            case CLIENT_SECRET_BASIC -> new ClientSecretBasic(id(), new Secret(secret()));
            case CLIENT_SECRET_POST -> new ClientSecretPost(id(), new Secret(secret()));
        };
    }

    ClientID id() {
        return new ClientID(clientId);
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
}
