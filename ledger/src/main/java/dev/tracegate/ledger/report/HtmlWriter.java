package dev.tracegate.ledger.report;

import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.text.VisibleText;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds HTML text. Every value from the log goes through {@link #text}, which escapes it, so a
 * statement, a reason or a column name can never become markup; tags are written by the renderer
 * itself with {@link #raw}.
 */
final class HtmlWriter {
    private final StringBuilder out = new StringBuilder(1 << 16);

    HtmlWriter raw(String markup) {
        out.append(markup);
        return this;
    }

    HtmlWriter text(Object value) {
        out.append(escape(String.valueOf(value)));
        return this;
    }

    /** {@code <tag class="...">escaped text</tag>}. */
    HtmlWriter element(String tag, String cssClass, Object value) {
        out.append('<').append(tag);
        if (cssClass != null) {
            out.append(" class=\"").append(cssClass).append('"');
        }
        out.append('>').append(escape(String.valueOf(value))).append("</").append(tag).append('>');
        return this;
    }

    /**
     * Markup characters as references, and, first, every invisible or direction-changing character
     * as its code point ({@link VisibleText}): a right-to-left override in a statement would
     * otherwise show the auditor its text in another order than the one that ran.
     */
    static String escape(String value) {
        String visible = VisibleText.of(value);
        StringBuilder escaped = new StringBuilder(visible.length() + 16);
        for (int i = 0; i < visible.length(); i++) {
            char c = visible.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** The anchor of a figure: derived from its id, so any id (a subject, a column) makes a safe fragment. */
    static String anchor(String figureId) {
        byte[] digest = MerkleHashes.newSha256().digest(figureId.getBytes(StandardCharsets.UTF_8));
        return "fig-" + HexFormat.of().formatHex(digest, 0, 8);
    }

    byte[] bytes() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
