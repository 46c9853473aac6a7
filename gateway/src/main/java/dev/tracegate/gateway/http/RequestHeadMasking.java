package dev.tracegate.gateway.http;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a masked caller's request carries outside its body, masked before the target sees it: the
 * path's segments, the query string and the header values. The target stores these as readily as
 * a body ({@code PUT /notes/ada@example.com}, {@code POST /notes?text=card+4111+...}, an
 * {@code X-Customer-Email} an API logs), so for a masked caller they get the body's treatment:
 * <ul>
 *   <li>the query string field by field as a form ({@link FormMasking}: name hints such as
 *       {@code ?email=} and {@code ?dob=}, field rules such as {@code $.dob}, detectors on the
 *       decoded value), locations {@code request.query:$.name};</li>
 *   <li>each path segment decoded ({@code %XX}; a {@code +} is a plus sign in a path) and scanned
 *       by the detectors, location {@code request.path}; a masked segment is encoded again;</li>
 *   <li>every header value ({@code request.header:name}); those that describe the transfer by
 *       the detectors alone, as response headers are.</li>
 * </ul>
 * A malformed percent-escape in the path or query is refused ({@code 400}): targets differ in what
 * they make of one, so the masker cannot know what it would be stored as.
 */
final class RequestHeadMasking {

    private final Masker masker;
    private final MaskingReport report;

    RequestHeadMasking(Masker masker, MaskingReport report) {
        this.masker = masker;
        this.report = report;
    }

    /** The raw query masked, or {@code null} when there is none. */
    String query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        return FormMasking.mask(masker.json("request.query"), "request.query", rawQuery, report);
    }

    /** The raw path ({@code /a/b}, still encoded) with each segment masked on its own. */
    String path(String rawPath) {
        StringBuilder masked = new StringBuilder(rawPath.length());
        int segment = 0;
        for (int i = 0; i <= rawPath.length(); i++) {
            if (i == rawPath.length() || rawPath.charAt(i) == '/') {
                masked.append(segment == 0 ? "" : "/").append(segment(rawPath.substring(segment, i)));
                segment = i + 1;
            }
        }
        return masked.toString();
    }

    /**
     * A header's value masked, or {@code null} when the profile nulls it (the header is then not
     * sent). One that describes the transfer is read by the detectors alone: its name is no hint
     * (an {@code If-Modified-Since} is no date of birth), but its value is the caller's to write
     * ({@code User-Agent: crawler/1.0 (+mailto:ada@example.com)}).
     */
    String header(String name, String value) {
        String location = "request.header:" + name.toLowerCase(Locale.ROOT);
        if (!HeaderRules.describesTheRequestTransfer(name)) {
            return masker.maskText(ColumnRef.expression(location), value, report).value();
        }
        CellResult masked = masker.maskText(ColumnRef.expression("request.header"), value, new MaskingReport());
        if (!masked.changed()) {
            return value;
        }
        report.record(location, masked);
        return masked.value();
    }

    /** Whether a header's name holds personal data: the header is then not sent ({@link HeaderNames}). */
    boolean nameHoldsPersonalData(String name) {
        return HeaderNames.holdPersonalData(masker, name, "request.header-name", report);
    }

    private String segment(String raw) {
        if (raw.isEmpty()) {
            return raw;
        }
        String decoded = FormMasking.percentDecoded(raw, false, "request.path", "the path");
        CellResult result = masker.maskText(ColumnRef.expression("request.path"), decoded, report);
        if (!result.changed()) {
            return raw;
        }
        return result.value() == null ? "" : URLEncoder.encode(result.value(), StandardCharsets.UTF_8).replace("+", "%20");
    }
}
