package dev.tracegate.gateway.http;

import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.gateway.recording.RecordedCommand;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway and which are recorded. Hop-by-hop headers belong to one
 * connection (RFC 9110 section 7.6.1); credentials and cookies never reach the evidence.
 */
final class HeaderRules {

    /** Not forwarded in either direction: connection-level, or set by the gateway's own client. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "host", "content-length", "expect", "proxy-authorization", "proxy-authenticate", "http2-settings");
    /**
     * Not forwarded upstream: a front server's word on which path the client asked for. IIS's URL
     * Rewrite sets {@code X-Original-URL}, and Symfony before 3.4.14 and 4.1.3, Zend Framework and
     * zend-diactoros before their 2018 fixes (CVE-2018-14773) route a request by it or by
     * {@code X-Rewrite-URL} instead of its request line: a caller's would reach {@code /admin/x}
     * with a request the policy judged as {@code GET /public}. The gateway is that front server.
     */
    private static final Set<String> REQUEST_TARGET_OVERRIDES = Set.of("x-original-url", "x-rewrite-url");
    /** Never recorded: what authenticates a caller or a target, or identifies a browser session. */
    private static final Set<String> REDACTED = Set.of(
            "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token",
            "x-amz-security-token");

    /**
     * Recorded as sent: the gateway reads and checks their values itself (a host, a length, a
     * connection option), so nothing else fits in them. Every other header value goes through the
     * policy's record profile (an e-mail in {@code From}, a URL with one in {@code Referer}, a
     * contact address in a crawler's {@code User-Agent}).
     */
    private static final Set<String> CHECKED_FORM = Set.of(
            "host", "content-length", "connection", "keep-alive", "te", "transfer-encoding", "expect", "upgrade");

    /**
     * Request headers that describe the transfer, not a person: their names are no hint, so a
     * masked caller's go to the target read by the detectors alone.
     */
    private static final Set<String> TRANSFER = Set.of(
            "host", "content-type", "content-length", "content-encoding", "accept", "accept-encoding", "accept-language",
            "connection", "keep-alive", "te", "transfer-encoding", "expect", "upgrade", "prefer", "traceparent",
            "tracestate", "user-agent", "cache-control", "pragma", "if-none-match", "if-modified-since");

    /** Request headers that ask for the answer in another form: compressed, a byte range of it, another charset. */
    private static final Set<String> ANSWER_FORM = Set.of("accept-encoding", "range", "if-range", "accept-charset");

    /**
     * Response headers that describe the transfer, not a person: their names are no hint, so a
     * masked caller gets them read by the detectors alone (a target still chooses their values: an
     * {@code ETag} built from an address). Every other one (a {@code Location} naming a user, an
     * {@code X-Customer-Email}) goes through the caller's whole masking profile.
     */
    private static final Set<String> RESPONSE_TRANSFER = Set.of(
            "content-type", "content-length", "content-encoding", "content-language", "transfer-encoding", "date",
            "etag", "last-modified", "expires", "cache-control", "vary", "age", "server", "accept-ranges", "allow",
            "retry-after", "pragma", "strict-transport-security", "x-content-type-options", "traceparent",
            "tracestate");

    private HeaderRules() {
    }

    /**
     * Whether a client's request header goes upstream. The caller's Authorization never does, nor a
     * path override ({@link #REQUEST_TARGET_OVERRIDES}). A
     * name is read with its underscores as hyphens, as servers that hand headers on as CGI-style
     * variables read it ({@code Transfer_Encoding} and {@code Transfer-Encoding} are both
     * {@code HTTP_TRANSFER_ENCODING}, and some framed the body by it): a connection-level header in
     * that spelling would let the target frame the body otherwise than the gateway did, and read a
     * request the policy never judged inside it.
     */
    static boolean forwardUpstream(String name) {
        String lower = hyphenated(name);
        return !NOT_FORWARDED.contains(lower) && !REQUEST_TARGET_OVERRIDES.contains(lower) && !lower.equals("authorization")
                && !lower.equals("cookie");
    }

    /**
     * Whether a target's response header goes to the client. {@code content-length} is dropped
     * too: a masked body has another length, and Jetty frames the response itself. Names are read
     * as {@link #forwardUpstream} reads them.
     */
    static boolean forwardDownstream(String name) {
        return !NOT_FORWARDED.contains(hyphenated(name));
    }

    /** Whether two header names are one to a target that ignores case and reads underscores as hyphens. */
    static boolean sameName(String a, String b) {
        return hyphenated(a).equals(hyphenated(b));
    }

    /** The name in lower case with its underscores as hyphens. */
    private static String hyphenated(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Whether a request header would change the answer's form so that the masker, or the search for
     * an echoed credential, could not read it; in any spelling with underscores for hyphens.
     */
    static boolean changesTheAnswersForm(String name) {
        return ANSWER_FORM.contains(hyphenated(name));
    }

    /** Whether a masked caller's response header is read by the detectors alone, its name being no hint. */
    static boolean describesTheTransfer(String name) {
        return RESPONSE_TRANSFER.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a response header sets a cookie: the caller's own session with the target, masked for
     * personal data but not for the credential it is (the gateway's client never keeps it, so it
     * reaches no one else).
     */
    static boolean isSessionCookie(String name) {
        return name.equalsIgnoreCase("set-cookie");
    }

    /** Whether a masked caller's request header is read by the detectors alone, its name being no hint. */
    static boolean describesTheRequestTransfer(String name) {
        return TRANSFER.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * A request header's value as the evidence keeps it (lower-case {@code name}): a credential
     * replaced, a value the gateway checks itself as sent, and {@code profile} over every other, its
     * redactions naming the header. The name is read as a target may read it: {@code X_Api_Key} is a
     * credential as {@code X-Api-Key} is.
     */
    static RecordedCommand kept(String name, String value, CommandRedaction profile) {
        if (REDACTED.contains(hyphenated(name))) {
            return new RecordedCommand("[REDACTED]", null, List.of());
        }
        return CHECKED_FORM.contains(name.toLowerCase(Locale.ROOT)) ? new RecordedCommand(value, null, List.of())
                : profile.header(name, value);
    }
}
