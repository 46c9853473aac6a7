package dev.tracegate.gateway.recording;

import java.util.List;

/**
 * A command as received, before it runs.
 *
 * @param sequence   position of the command in its session, from 1
 * @param message    the protocol message that carried it ({@code Query}, {@code Execute}, {@code FunctionCall})
 * @param text       the statement text (or a function call's description)
 * @param statement  prepared statement name, for extended-protocol executions ("" is the unnamed one)
 * @param parameters bind parameters: text as given, binary as {@code \x} hex, SQL NULL as null
 * @param trace      W3C trace id claimed by the client (sqlcommenter), or null
 * @param statementClass the classifier's verdict (e.g. {@code read}, {@code ddl}), or null when not classified here
 * @param rule       the policy rule that decided, or null
 * @param originalSha256 when credentials were taken out of {@code text} or {@code parameters}: the SHA-256 of
 *                   the statement as the client sent it; otherwise null
 */
public record CommandRecord(long sequence, String message, String text, String statement, List<String> parameters,
                            String trace, String statementClass, String rule, String originalSha256) {

    public CommandRecord(long sequence, String message, String text, String statement, List<String> parameters,
                         String trace, String statementClass, String rule) {
        this(sequence, message, text, statement, parameters, trace, statementClass, rule, null);
    }
}
