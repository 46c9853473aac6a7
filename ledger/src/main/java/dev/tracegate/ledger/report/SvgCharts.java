package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * Charts as inline SVG, computed here rather than by a script, so the report draws the same in a
 * browser, in print and without JavaScript. Each bar links to its figure, whose leaves it counts.
 */
final class SvgCharts {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 220;
    private static final int LEFT = 48;
    private static final int RIGHT = 12;
    private static final int TOP = 16;
    private static final int BOTTOM = 40;
    /** Up to this many columns (a histogram), each is labelled; a timeline labels its first and last. */
    private static final int LABEL_EVERY_CATEGORY = 8;

    private SvgCharts() {}

    /**
     * Columns per category, one per series side by side.
     *
     * @param figures {@code figures[category][series]}, each a figure of report.json
     */
    static void columns(HtmlWriter out, String id, String caption, List<String> categories, List<String> series,
                        JsonNode[][] figures) {
        long max = 1;
        for (JsonNode[] row : figures) {
            for (JsonNode figure : row) {
                max = Math.max(max, value(figure));
            }
        }
        // A bucket without a figure had nothing in it: no column to draw or link.
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = plotWidth / Math.max(1, categories.size());
        double bar = Math.max(1, (slot * 0.8) / Math.max(1, series.size()));
        open(out, id, caption);
        axis(out, max);
        for (int c = 0; c < categories.size(); c++) {
            for (int s = 0; s < series.size(); s++) {
                JsonNode figure = figures[c][s];
                if (figure == null || value(figure) == 0) {
                    continue;
                }
                double height = plotHeight * value(figure) / max;
                double x = LEFT + c * slot + slot * 0.1 + s * bar;
                rect(out, figure, "s" + s, x, TOP + plotHeight - height, bar, height,
                        series.get(s) + ", " + categories.get(c) + ": " + value(figure));
            }
        }
        if (categories.size() <= LABEL_EVERY_CATEGORY) {
            for (int c = 0; c < categories.size(); c++) {
                label(out, LEFT + c * slot + slot / 2, HEIGHT - BOTTOM + 16, "middle", categories.get(c));
            }
        } else {
            label(out, LEFT, HEIGHT - BOTTOM + 16, "start", categories.getFirst());
            label(out, WIDTH - RIGHT, HEIGHT - BOTTOM + 16, "end", categories.getLast());
        }
        legend(out, series);
        out.raw("</svg>\n");
    }

    /** Horizontal bars, one per labelled figure (the top identities). */
    static void bars(HtmlWriter out, String id, String caption, List<String> labels, List<JsonNode> figures) {
        long max = 1;
        for (JsonNode figure : figures) {
            max = Math.max(max, value(figure));
        }
        int rowHeight = 22;
        int labelWidth = 260;
        int height = TOP + Math.max(1, labels.size()) * rowHeight + 8;
        out.raw("<svg id=\"").text(id).raw("\" class=\"chart\" role=\"img\" viewBox=\"0 0 " + WIDTH + " " + height
                + "\" xmlns=\"http://www.w3.org/2000/svg\"><title>").text(caption).raw("</title>\n");
        for (int i = 0; i < labels.size(); i++) {
            double y = TOP + i * rowHeight;
            double width = (WIDTH - labelWidth - RIGHT - 40) * value(figures.get(i)) / (double) max;
            label(out, labelWidth - 6, y + 15, "end", labels.get(i));
            rect(out, figures.get(i), "s0", labelWidth, y + 3, Math.max(1, width), rowHeight - 6,
                    labels.get(i) + ": " + value(figures.get(i)));
            label(out, labelWidth + width + 4, y + 15, "start", Long.toString(value(figures.get(i))));
        }
        out.raw("</svg>\n");
    }

    private static void open(HtmlWriter out, String id, String caption) {
        out.raw("<svg id=\"").text(id).raw("\" class=\"chart\" role=\"img\" viewBox=\"0 0 " + WIDTH + " " + HEIGHT
                + "\" xmlns=\"http://www.w3.org/2000/svg\"><title>").text(caption).raw("</title>\n");
    }

    private static void axis(HtmlWriter out, long max) {
        int baseline = HEIGHT - BOTTOM;
        out.raw("<line class=\"axis\" x1=\"" + LEFT + "\" y1=\"" + baseline + "\" x2=\"" + (WIDTH - RIGHT) + "\" y2=\"" + baseline
                + "\"/><line class=\"axis\" x1=\"" + LEFT + "\" y1=\"" + TOP + "\" x2=\"" + LEFT + "\" y2=\"" + baseline + "\"/>\n");
        label(out, LEFT - 6, TOP + 10, "end", Long.toString(max));
        label(out, LEFT - 6, baseline, "end", "0");
    }

    private static void rect(HtmlWriter out, JsonNode figure, String cssClass, double x, double y, double width, double height,
                             String title) {
        out.raw("<a href=\"#" + HtmlWriter.anchor(figure.path(Figures.ID).asText()) + "\"><rect class=\"" + cssClass + "\" x=\""
                + number(x) + "\" y=\"" + number(y) + "\" width=\"" + number(width) + "\" height=\"" + number(Math.max(0, height))
                + "\"><title>").text(title).raw("</title></rect></a>\n");
    }

    private static void label(HtmlWriter out, double x, double y, String anchor, String text) {
        out.raw("<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" text-anchor=\"" + anchor + "\">").text(text).raw("</text>\n");
    }

    private static void legend(HtmlWriter out, List<String> series) {
        double x = LEFT;
        for (int s = 0; s < series.size(); s++) {
            out.raw("<rect class=\"s" + s + "\" x=\"" + number(x) + "\" y=\"" + (HEIGHT - 16) + "\" width=\"10\" height=\"10\"/>");
            label(out, x + 14, HEIGHT - 7, "start", series.get(s));
            x += 30 + series.get(s).length() * 7;
        }
    }

    private static long value(JsonNode figure) {
        return figure == null ? 0 : figure.path(Figures.VALUE).asLong();
    }

    /** Fixed notation with one decimal, the same on every machine. */
    private static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
