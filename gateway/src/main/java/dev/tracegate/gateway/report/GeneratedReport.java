package dev.tracegate.gateway.report;

/**
 * A report written with its bundle.
 *
 * @param events       events in the bundle
 * @param treeSize     the size of the checkpoint the bundle is verified against
 * @param reportSha256 SHA-256 of report.json, as recorded in the {@code report.generated} event
 * @param htmlSha256   SHA-256 of report.html
 * @param eventIndex   the index of that event in the log
 */
public record GeneratedReport(long events, long treeSize, String reportSha256, String htmlSha256, long eventIndex, String seed) {
}
