package dev.tracegate.gateway.recording;

import java.util.List;

/**
 * How a command ended.
 *
 * @param sequence       the command's sequence number
 * @param status         {@code ok}, {@code error}, {@code suspended} (portal row limit reached),
 *                       {@code skipped} (not run because an earlier message of the batch failed),
 *                       {@code blocked} (the gateway's failing stand-in ran instead), {@code refused}
 *                       (the gateway ended the session while the command was answered) or
 *                       {@code unanswered} (the session ended before the command's end was known; it may have run)
 * @param tags           CommandComplete tags, in order
 * @param rows           rows returned or affected
 * @param durationMicros from forwarding the command to its last response
 * @param errorSqlState  SQLSTATE when the status is error
 * @param errorMessage   the server's message when the status is error
 * @param copyIn         the COPY data the client sent the server, when the command opened a COPY FROM STDIN
 * @param copyOut        the COPY data the server sent the client, when the command opened a COPY TO STDOUT
 */
public record ResultRecord(long sequence, String status, List<String> tags, long rows, long durationMicros,
                           String errorSqlState, String errorMessage, CopiedData.Moved copyIn, CopiedData.Moved copyOut) {

    public ResultRecord(long sequence, String status, List<String> tags, long rows, long durationMicros,
                        String errorSqlState, String errorMessage) {
        this(sequence, status, tags, rows, durationMicros, errorSqlState, errorMessage, null, null);
    }

    /** This result with the COPY data its command moved ({@code null}: none that way). */
    public ResultRecord withCopied(CopiedData.Moved in, CopiedData.Moved out) {
        return new ResultRecord(sequence, status, tags, rows, durationMicros, errorSqlState, errorMessage, in, out);
    }
}
