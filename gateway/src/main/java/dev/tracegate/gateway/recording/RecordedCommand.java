package dev.tracegate.gateway.recording;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A command as the evidence keeps it: its text and parameters with personal data and credentials
 * masked, and what was masked.
 *
 * @param parameters {@code null} when the command has none (a simple query), SQL NULLs as {@code null}
 */
public record RecordedCommand(String text, List<String> parameters, List<Redaction> redactions) {

    public RecordedCommand {
        parameters = parameters == null ? null : Collections.unmodifiableList(new ArrayList<>(parameters));
        redactions = List.copyOf(redactions);
    }

    /** The same parameters and redactions under another text (one the gateway wrote, so nothing in it is masked). */
    RecordedCommand withText(String other) {
        return new RecordedCommand(other, parameters, redactions);
    }
}
