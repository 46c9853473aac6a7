package dev.tracegate.gateway.evidence;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One refused credential, before it becomes evidence. Everything but the reason is chosen by the
 * client (names, paths), so every text is cut to {@value #MAX_TEXT} characters: an attacker cannot
 * make each failed attempt cost kilobytes of permanent log.
 *
 * @param source   who, for counting (the address, without the port)
 * @param protocol {@code postgres} or {@code http}
 * @param client   the client's address as recorded (with its port, when known)
 * @param reason   why the credential was refused; never the credential
 * @param context  what the client said it wanted, e.g. {@code client_user}, {@code connection}, {@code endpoint}
 */
public record AuthFailure(SourceAddress source, String protocol, String client, String reason, Map<String, String> context) {

    public static final int MAX_TEXT = 128;

    public AuthFailure {
        reason = cut(reason);
        client = cut(client);
        Map<String, String> cutContext = new LinkedHashMap<>();
        context.forEach((key, value) -> {
            if (value != null) {
                cutContext.put(key, cut(value));
            }
        });
        context = java.util.Collections.unmodifiableMap(cutContext);
    }

    /** A refused bearer token or console sign-in at an HTTP endpoint. */
    public static AuthFailure http(String reason, String client, String endpoint) {
        return new AuthFailure(SourceAddress.parse(client), "http", client, reason, Map.of("endpoint", endpoint));
    }

    /** {@code text} cut to {@value #MAX_TEXT} characters, saying how much was cut. */
    public static String cut(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        return text.substring(0, MAX_TEXT) + "...[" + (text.length() - MAX_TEXT) + " more characters]";
    }
}
