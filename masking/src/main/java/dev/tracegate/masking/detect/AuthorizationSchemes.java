package dev.tracegate.masking.detect;

import java.util.Locale;
import java.util.Set;

/**
 * The schemes of an HTTP {@code Authorization} (or {@code Proxy-Authorization}) header and the
 * credentials after one. Whatever follows the scheme is the credential: a token ({@code Bearer},
 * {@code Basic}, {@code Negotiate} and {@code NTLM}, whose Kerberos tickets and NTLM responses are
 * replayed or cracked, Okta's {@code SSWS}, {@code Splunk}, ...) or a parameter list ({@code Digest
 * username="ada", ..., response="6629fae4..."}, {@code OAuth oauth_consumer_key=..., oauth_signature=...},
 * {@code Hawk}, {@code AWS4-HMAC-SHA256 Credential=..., Signature=...}), whose response or signature
 * is a hash of the secret with values the header itself carries, guessed offline as a password hash
 * is; the whole list is the credential. Before 2026-12-06 only Bearer, Basic, Token and Digest were
 * known, a Digest list had only its first name masked, and a Negotiate or NTLM token was in clear.
 */
final class AuthorizationSchemes {

    /** Schemes whose word prose also writes ("auth: token expired" stays by the credential's own shape). */
    private static final Set<String> COMMON_SCHEMES = Set.of("bearer", "basic", "token", "digest");
    private static final Set<String> SCHEMES = Set.of(
            "bearer", "basic", "token", "digest", "negotiate", "ntlm", "kerberos", "oauth", "hawk", "ssws", "sso-key",
            "splunk", "dpop", "gssapi", "vapid", "privatetoken", "zoho-oauthtoken", "aws4-hmac-sha256", "scram-sha-1",
            "scram-sha-256");
    /** A token after a scheme of the rarer kind is this long at least: a Kerberos ticket or an NTLM message is far longer. */
    private static final int SHORTEST_RARE_CREDENTIAL = 16;
    private static final int MAX_SCHEME = 24;
    private static final int MAX_PARAMETERS = 16;
    private static final int MAX_VALUE = 512;

    private AuthorizationSchemes() {
    }

    static boolean isScheme(String word) {
        return word.length() <= MAX_SCHEME && SCHEMES.contains(word.toLowerCase(Locale.ROOT));
    }

    /** How long the token after {@code scheme} must be to count as its credential. */
    static int shortestCredential(String scheme) {
        return COMMON_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT)) ? 1 : SHORTEST_RARE_CREDENTIAL;
    }

    /**
     * The parameter list after a scheme and a space at {@code v} ({@code Digest username="ada", ...}),
     * packed as {@code start << 32 | end}, or -1 when no scheme or no list starts there.
     */
    static long parametersAfterScheme(CharSequence text, int v) {
        int space = v;
        while (space < text.length() && space - v <= MAX_SCHEME && text.charAt(space) != ' ') {
            space++;
        }
        if (space >= text.length() || !isScheme(text.subSequence(v, space).toString())) {
            return -1;
        }
        int end = parametersEnd(text, space + 1);
        return end < 0 ? -1 : ((long) (space + 1) << 32) | end;
    }

    /** The end of the parameter list that starts at {@code start}, or -1 when none starts there. */
    static int parametersEnd(CharSequence text, int start) {
        int end = -1;
        int p = start;
        for (int parameter = 0; parameter < MAX_PARAMETERS; parameter++) {
            int valueEnd = parameterEnd(text, p);
            if (valueEnd < 0) {
                break;
            }
            end = valueEnd;
            p = valueEnd;
            while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
            if (p >= text.length() || text.charAt(p) != ',') {
                break;
            }
            p++;
            while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
        }
        return end;
    }

    /** The end of one {@code name=value} or {@code name="value"} at {@code p}, or -1. */
    private static int parameterEnd(CharSequence text, int p) {
        int name = p;
        while (name < text.length() && (Chars.isAsciiAlnum(text.charAt(name)) || text.charAt(name) == '-'
                || text.charAt(name) == '_')) {
            name++;
        }
        if (name == p || name >= text.length() || text.charAt(name) != '=') {
            return -1;
        }
        int v = name + 1;
        // a quoted value, its quote escaped too when the header sits in a JSON string (\"...\")
        String quote = v < text.length() && text.charAt(v) == '"' ? "\""
                : SecretDetector.startsWith(text, v, "\\\"") ? "\\\"" : null;
        if (quote != null) {
            int close = indexOf(text, quote, v + quote.length());
            return close < 0 ? -1 : close + quote.length();
        }
        int end = v;
        while (end < text.length() && end - v < MAX_VALUE && !isValueEnd(text.charAt(end))) {
            end++;
        }
        return end > v ? end : -1;
    }

    private static boolean isValueEnd(char c) {
        return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '\\';
    }

    private static int indexOf(CharSequence text, String needle, int from) {
        for (int k = from; k < text.length() && k - from < MAX_VALUE; k++) {
            if (SecretDetector.startsWith(text, k, needle)) {
                return k;
            }
        }
        return -1;
    }
}
