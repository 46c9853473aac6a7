package dev.tracegate.gateway.http;

import dev.tracegate.policy.rules.HttpRequestFacts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A POST body in which a framework may find a {@code _method} field and take the POST for that
 * method ({@link HttpRequestFacts#isMethodParameter}): a form (Rails, Laravel, Symfony, Spring's
 * {@code HiddenHttpMethodFilter}, ASP.NET Core) and a multipart form (the same frameworks read its
 * fields as a form's). A body the gateway cannot read as such a target would (compressed,
 * labelled with two types, in a charset that hides ASCII, a multipart form without its one
 * boundary) is {@link #unreadable}: the
 * rule that weighs the method cannot be decided and the request is blocked as high risk. (A JSON
 * body's top-level {@code _method}, which Laravel obeys, is read as the body streams instead,
 * {@link JsonMethodFields}: reading every JSON POST whole would end its streaming to the target.)
 *
 * @param shape      which of them it is
 * @param boundary   a multipart form's boundary; null otherwise
 * @param unreadable why its methods cannot be known, for the refusal; null when they can
 */
record MethodFieldBody(Shape shape, String boundary, String unreadable) {

    enum Shape {
        FORM, MULTIPART
    }

    /** The methods the body names, or why they cannot be known. */
    record Named(List<String> methods, String undecidable) {
    }

    /**
     * @param contentTypes     every {@code Content-Type} header's value, in order
     * @param contentEncodings every {@code Content-Encoding} header's value, in order
     * @return null when no type the request is labelled with is one whose fields frameworks read
     */
    static MethodFieldBody of(List<String> contentTypes, List<String> contentEncodings) {
        List<String> labels = new ArrayList<>(1);
        Shape fieldType = null;
        String contentType = null;
        for (String header : contentTypes) {
            for (String label : header.split(",")) {
                labels.add(label);
                Shape type = shapeOf(label);
                if (type != null) {
                    fieldType = type;
                    contentType = label;
                }
            }
        }
        if (fieldType == null) {
            return null;
        }
        if (labels.size() > 1) {
            return unreadable(fieldType, "it is labelled with " + labels.size() + " content types");
        }
        String coding = BodyForm.contentCoding(contentEncodings);
        if (coding != null) {
            return unreadable(fieldType, "it has Content-Encoding " + coding);
        }
        String charset = BodyForm.hidingCharset(contentType);
        if (charset != null) {
            // Servlet containers decode a form's names and values in the charset it names (IBM037,
            // UTF-16): "_method" in EBCDIC bytes is no "_method" to a reader of ASCII.
            return unreadable(fieldType, "it is in charset " + charset);
        }
        if (fieldType != Shape.MULTIPART) {
            return new MethodFieldBody(fieldType, null, null);
        }
        List<String> boundaries = BodyForm.parameters(contentType, "boundary");
        return boundaries.size() != 1 || boundaries.getFirst().isEmpty()
                ? unreadable(fieldType, "its multipart content type has " + (boundaries.isEmpty() ? "no" : "no single")
                        + " boundary")
                : new MethodFieldBody(fieldType, boundaries.getFirst(), null);
    }

    /** The values of the body's method fields, as {@link MethodParameters} gives a query string's. */
    Named named(byte[] body) {
        if (unreadable != null) {
            return new Named(List.of(), unreadable);
        }
        return switch (shape) {
            case FORM -> new Named(MethodParameters.of(new String(body, StandardCharsets.UTF_8)), null);
            case MULTIPART -> multipart(body);
        };
    }

    private Named multipart(byte[] body) {
        List<String> methods = new ArrayList<>(1);
        for (MultipartFormFields.Field field : MultipartFormFields.read(body, boundary)) {
            if (field.names().stream().anyMatch(HttpRequestFacts::isMethodParameter)) {
                if (field.transferEncoding() != null && !Set.of("7bit", "8bit", "binary").contains(field.transferEncoding())) {
                    return new Named(List.of(), "its _method part has Content-Transfer-Encoding " + field.transferEncoding());
                }
                if (field.contentType() != null && BodyForm.hidingCharset(field.contentType()) != null) {
                    return new Named(List.of(), "its _method part is in charset "
                            + BodyForm.hidingCharset(field.contentType()));
                }
                methods.add(field.value());
            }
        }
        return new Named(methods, null);
    }

    private static MethodFieldBody unreadable(Shape shape, String why) {
        return new MethodFieldBody(shape, null, why);
    }

    private static Shape shapeOf(String label) {
        String type = label.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        type = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
        if (type.equals("multipart/form-data")) {
            return Shape.MULTIPART;
        }
        return BodyMasking.Kind.of(type) == BodyMasking.Kind.FORM ? Shape.FORM : null;
    }
}
