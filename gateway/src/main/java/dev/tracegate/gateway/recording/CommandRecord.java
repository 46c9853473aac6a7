package dev.tracegate.gateway.recording;

import java.util.ArrayList;
import java.util.List;

/**
 * A command as the evidence keeps it, before it runs.
 *
 * @param sequence   position of the command in its session, from 1
 * @param message    the protocol message that carried it ({@code Query}, {@code Execute}, {@code FunctionCall})
 * @param text       the statement text (or a function call's description), as recorded: see {@link CommandRedaction}
 * @param statement  prepared statement name, for extended-protocol executions ("" is the unnamed one)
 * @param parameters bind parameters as recorded: text as given, binary as {@code \x} hex, SQL NULL as null
 * @param trace      W3C trace id claimed by the client (sqlcommenter), or null
 * @param statementClass the classifier's verdict (e.g. {@code read}, {@code ddl}), or null when not classified here
 * @param rule       the policy rule that decided, or null
 * @param redactions the values the text and parameters do not hold as the client wrote them
 */
public record CommandRecord(long sequence, String message, String text, String statement, List<String> parameters,
                            String trace, String statementClass, String rule, List<Redaction> redactions) {

    public CommandRecord {
        redactions = redactions == null ? List.of() : List.copyOf(redactions);
    }

    public CommandRecord(long sequence, String message, String text, String statement, List<String> parameters,
                         String trace, String statementClass, String rule) {
        this(sequence, message, text, statement, parameters, trace, statementClass, rule, List.of());
    }

    /** This command with its text and parameters as {@code recorded} keeps them. */
    public CommandRecord recorded(RecordedCommand recorded) {
        return new CommandRecord(sequence, message, recorded.text(), statement, recorded.parameters(), trace,
                statementClass, rule, recorded.redactions());
    }

    /** This command with {@code more} redactions after its own (an HTTP request's masked headers). */
    public CommandRecord withRedactions(List<Redaction> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Redaction> all = new ArrayList<>(redactions);
        all.addAll(more);
        return new CommandRecord(sequence, message, text, statement, parameters, trace, statementClass, rule, all);
    }
}
