package dev.tracegate.gateway.http;

import dev.tracegate.policy.rules.HttpRequestFacts;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The methods a query string or a form body names in {@code _method} parameters, which
 * frameworks take a POST for ({@link HttpRequestFacts#isMethodParameter}): {@code POST /x?_method=DELETE}
 * is a DELETE to Laravel, and {@code _method=DELETE} in a form is one to Rails too. Names and
 * values are read as a target decodes them ({@code %5Fmethod}, {@code +} a space); pairs are
 * split at {@code &} and at {@code ;}, as older parsers do.
 */
final class MethodParameters {

    private MethodParameters() {
    }

    /** @param encoded a query string or an {@code application/x-www-form-urlencoded} body; null for none */
    static List<String> of(String encoded) {
        if (encoded == null || encoded.indexOf('%') < 0 && !encoded.toLowerCase(Locale.ROOT).contains("method")) {
            return List.of(); // the common case, without splitting
        }
        List<String> named = new ArrayList<>(1);
        for (String pair : encoded.split("[&;]")) {
            int equals = pair.indexOf('=');
            if (HttpRequestFacts.isMethodParameter(decoded(equals < 0 ? pair : pair.substring(0, equals)))) {
                named.add(equals < 0 ? "" : decoded(pair.substring(equals + 1)));
            }
        }
        return named;
    }

    /**
     * As a form decoder reads it; a malformed escape read as written (such a query is refused
     * before it reaches the target, and such a form leaves the pair as the target's lenient
     * decoders do).
     */
    private static String decoded(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }
}
