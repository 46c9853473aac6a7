package dev.tracegate.gateway.recording;

import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Replacement;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP request as the evidence keeps it: its line ({@code METHOD /path?query}) and its header
 * values. Each path segment
 * and each query parameter is scanned on its own; a parameter whose name the record profile
 * protects ({@code ?email=...}, {@code ?card_number=...}, {@code ?api_key=...}) is masked whole,
 * and so is any segment or value in which decoding ({@code +} and {@code %XX}) shows the detectors
 * more than the encoded text did ({@code card+4111+1111+1111+1111}). Hashes are of the text as
 * the client sent it, percent-encoding included. A header whose name the profile protects
 * ({@code X-Customer-Email}) is masked whole; any other header value is scanned like a query value.
 */
final class HttpRequestRedactor {

    private final LiteralMasker masker;
    private final HashKey key;

    HttpRequestRedactor(LiteralMasker masker, HashKey key) {
        this.masker = masker;
        this.key = key;
    }

    RecordedCommand redact(String line) {
        RedactedText text = new RedactedText(line, key);
        text.replaceInPlace(url(line, line.indexOf(' ') + 1));
        String recorded = text.finish();
        return new RecordedCommand(recorded, null, text.redactions(null));
    }

    /** The replacements in a path and query starting at {@code path}: each segment and each pair on its own. */
    private List<Replacement> url(String text, int path) {
        int query = text.indexOf('?', path);
        int pathEnd = query < 0 ? text.length() : query;
        List<Replacement> replacements = new ArrayList<>();
        int segment = path;
        for (int i = path; i <= pathEnd; i++) {
            if (i == pathEnd || text.charAt(i) == '/') {
                replacements.addAll(encoded(text, segment, i));
                segment = i + 1;
            }
        }
        if (query >= 0) {
            int pair = query + 1;
            for (int i = pair; i <= text.length(); i++) {
                if (i == text.length() || text.charAt(i) == '&') {
                    replacements.addAll(parameter(text, pair, i));
                    pair = i + 1;
                }
            }
        }
        return replacements;
    }

    /** The value of header {@code name}, as the evidence keeps it. */
    RecordedCommand header(String name, String value) {
        RedactedText text = new RedactedText(value, key);
        ColumnMasker named = masker.columns().protectedColumn(ColumnRef.expression(name));
        List<Replacement> replacements = named != null ? masker.whole(value, named)
                : value.contains("://") ? url(value, 0) // Referer, Origin: a URL, read as one
                : encoded(value, 0, value.length());
        text.replaceInPlace(replacements);
        String recorded = text.finish();
        return new RecordedCommand(recorded, null, text.redactions(null).stream().map(r -> r.inHeader(name)).toList());
    }

    /** One {@code name=value} pair at [from, to) of the line. */
    private List<Replacement> parameter(String line, int from, int to) {
        int equals = line.indexOf('=', from);
        if (equals < 0 || equals >= to || equals + 1 == to) {
            return encoded(line, from, to);
        }
        ColumnMasker named = masker.columns().protectedColumn(ColumnRef.expression(decoded(line.substring(from, equals))));
        if (named != null) {
            return masker.whole(line.substring(equals + 1, to), named).stream().map(r -> r.shifted(equals + 1)).toList();
        }
        List<Replacement> pair = masker.segment(line, from, to); // name and value together, for api_key=...
        return decodingShowsMore(line, equals + 1, to, pair) ? whole(line, equals + 1, to) : pair;
    }

    /** The finds in [from, to) of the line; the whole part when its decoded form shows more. */
    private List<Replacement> encoded(String line, int from, int to) {
        List<Replacement> raw = masker.segment(line, from, to);
        return decodingShowsMore(line, from, to, raw) ? whole(line, from, to) : raw;
    }

    private boolean decodingShowsMore(String line, int from, int to, List<Replacement> found) {
        String part = line.substring(from, to);
        if (part.indexOf('%') < 0 && part.indexOf('+') < 0) {
            return false;
        }
        String plain = decoded(part);
        return masker.segment(plain, 0, plain.length()).size() > found.stream().filter(r -> r.start() >= from).count();
    }

    private List<Replacement> whole(String line, int from, int to) {
        String plain = decoded(line.substring(from, to));
        String entity = masker.segment(plain, 0, plain.length()).getFirst().entity();
        return List.of(new Replacement(from, to, entity, Replacement.placeholder(entity)));
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name; // a malformed escape: the name as sent
        }
    }
}
