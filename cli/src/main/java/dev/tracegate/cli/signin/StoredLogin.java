package dev.tracegate.cli.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One issuer's sign-in as kept in the credentials file: the tokens, and what is needed to refresh
 * them without asking the user again (the token endpoint and the client, whose secret stays in its
 * own file).
 */
record StoredLogin(String issuer, URI tokenEndpoint, ClientRegistration client, SignInRequest request,
                   TokenSet tokens, Instant signedInAt) {

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    StoredLogin withTokens(TokenSet renewed) {
        return new StoredLogin(issuer, tokenEndpoint, client, request, renewed, signedInAt);
    }

    /** The command that signs in again the same way, for messages that ask the user to. */
    String loginCommand() {
        StringBuilder command = new StringBuilder("tracegate login --issuer ").append(shellWord(issuer))
                .append(" --client-id ").append(shellWord(client.clientId()));
        if (client.secretFile() != null) {
            command.append(" --client-secret-file ").append(shellWord(client.secretFile().toString()));
        }
        return command.toString();
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("issuer", issuer);
        json.put("token_endpoint", tokenEndpoint.toString());
        json.put("client_id", client.clientId());
        json.put("client_secret_file", client.secretFile() == null ? null : client.secretFile().toString());
        json.put("token_endpoint_auth_method", client.authMethod().wireName);
        json.put("scope", request.scope());
        json.put("audience", request.audience());
        json.put("access_token", tokens.accessToken());
        json.put("refresh_token", tokens.refreshToken());
        json.put("id_token", tokens.idToken());
        json.put("expires_at", tokens.expiresAt() == null ? null : tokens.expiresAt().toString());
        json.put("signed_in_at", signedInAt.toString());
        return json;
    }

    static StoredLogin fromJson(JsonNode json) {
        String secretFile = text(json, "client_secret_file");
        ClientRegistration client = new ClientRegistration(text(json, "client_id"),
                secretFile == null ? null : Path.of(secretFile),
                ClientRegistration.AuthMethod.named(text(json, "token_endpoint_auth_method")));
        String expiresAt = text(json, "expires_at");
        TokenSet tokens = new TokenSet(text(json, "access_token"), text(json, "refresh_token"), text(json, "id_token"),
                expiresAt == null ? null : Instant.parse(expiresAt));
        return new StoredLogin(text(json, "issuer"), URI.create(text(json, "token_endpoint")), client,
                new SignInRequest(text(json, "scope"), text(json, "audience")), tokens,
                Instant.parse(text(json, "signed_in_at")));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String shellWord(String word) {
        return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
