package dev.tracegate.gateway.mysql;

import java.util.List;

/**
 * How the server answered one command, for its {@code command.result} event.
 *
 * @param tags         one per result: {@code SELECT n} for a result set, {@code OK n} for affected rows
 * @param rows         rows returned or affected
 * @param errorCode    the server's error code, 0 when it succeeded
 * @param sqlState     the error's SQLSTATE, or null
 * @param errorMessage the error's text as the evidence keeps it, or null
 */
record CommandOutcome(List<String> tags, long rows, int errorCode, String sqlState, String errorMessage) {

    String status() {
        return errorCode == 0 ? "ok" : "error";
    }
}
