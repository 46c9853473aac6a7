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
 * An HTTP request line ({@code METHOD /path?query}) as the evidence keeps it. Each path segment
 * and each query parameter is scanned on its own; a parameter whose name the record profile
 * protects ({@code ?email=...}, {@code ?card_number=...}, {@code ?api_key=...}) is masked whole,
 * and so is any segment or value in which decoding ({@code +} and {@code %XX}) shows the detectors
 * more than the encoded text did ({@code card+4111+1111+1111+1111}). Hashes are of the text as
 * the client sent it, percent-encoding included.
 */
final class RequestLineRedactor {

    private final LiteralMasker masker;
    private final HashKey key;

    RequestLineRedactor(LiteralMasker masker, HashKey key) {
        this.masker = masker;
        this.key = key;
    }

    RecordedCommand redact(String line) {
        RedactedText text = new RedactedText(line, key);
        int path = line.indexOf(' ') + 1;
        int query = line.indexOf('?', path);
        int pathEnd = query < 0 ? line.length() : query;
        List<Replacement> replacements = new ArrayList<>();
        int segment = path;
        for (int i = path; i <= pathEnd; i++) {
            if (i == pathEnd || line.charAt(i) == '/') {
                replacements.addAll(encoded(line, segment, i));
                segment = i + 1;
            }
        }
        if (query >= 0) {
            int pair = query + 1;
            for (int i = pair; i <= line.length(); i++) {
                if (i == line.length() || line.charAt(i) == '&') {
                    replacements.addAll(parameter(line, pair, i));
                    pair = i + 1;
                }
            }
        }
        text.replaceInPlace(replacements);
        String recorded = text.finish();
        return new RecordedCommand(recorded, null, text.redactions(null));
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
