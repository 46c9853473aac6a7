package dev.tracegate.gateway.postgres.results;

import dev.tracegate.gateway.recording.ResultEvidence.MaskingApplied;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.wire.postgres.backend.NotificationResponse;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the server sends that belongs to no command's result, as a masked caller may see it:
 * notifications (a NOTIFY from this or any other session arrives whenever the server chooses, a
 * command in flight or not), errors and notices answering no command of the caller's own (a
 * failed Bind, a FATAL at idle), and reported parameter values. Masked with the caller's profile
 * as the policy gives it now, with content detectors (see {@link ServerTextMasking}); what was
 * masked is collected until the relay records it.
 *
 * <p>Used by the server-side relay thread only.
 */
public final class SessionMessageMasking {

    static final String WITHHELD_PAYLOAD = "tracegate: payload withheld: a notification may carry values no detector"
            + " recognises, and results of this caller are masked (rule ";

    private final Supplier<Optional<CallerMasking>> decision;
    private MaskingReport report = new MaskingReport();
    private CallerMasking lastUsed;

    /** @param decision the caller's masking profile under the policy in force, asked per message */
    public SessionMessageMasking(Supplier<Optional<CallerMasking>> decision) {
        this.decision = decision;
    }

    /**
     * A notification with its channel masked and, for a masked caller, its payload withheld; the
     * same object when nothing changed. A payload is whatever a session or a trigger passed to
     * {@code pg_notify} ({@code pg_notify('people', NEW.name)} on every insert), from data the
     * caller's statement never named, so the lineage check cannot judge it, and a name or a birth
     * date has no shape a detector finds: it fails closed. The notification itself still arrives
     * (a listener learns that something happened, on which channel, from which backend).
     */
    public NotificationResponse notification(NotificationResponse notification) {
        ServerTextMasking texts = texts();
        if (texts == null) {
            return notification;
        }
        String channel = texts.text("notification channel", notification.channel(), report);
        String payload = notification.payload();
        if (!payload.isEmpty()) {
            payload = WITHHELD_PAYLOAD + lastUsed.rule() + ")";
            report.count("notification", "WITHHELD", 1);
        }
        return channel.equals(notification.channel()) && payload.equals(notification.payload())
                ? notification : new NotificationResponse(notification.processId(), channel, payload);
    }

    /** An error's or notice's fields; the same map when nothing changed. */
    public Map<Character, String> fields(Map<Character, String> fields) {
        ServerTextMasking texts = texts();
        return texts == null ? fields : texts.fields(fields, report);
    }

    /** A reported parameter value ({@code SELECT set_config('application_name', email, false)} reports it). */
    public String parameterValue(String value) {
        ServerTextMasking texts = texts();
        return texts == null ? value : texts.text("parameter status", value, report);
    }

    /** What was masked since the last call, for a {@code masking.applied} event; {@code null} when nothing. */
    public MaskingApplied takeApplied() {
        if (report.isEmpty()) {
            return null;
        }
        MaskingApplied applied = new MaskingApplied(lastUsed.rule(), lastUsed.profile(), report.snapshot());
        report = new MaskingReport();
        return applied;
    }

    private ServerTextMasking texts() {
        CallerMasking current = decision.get().orElse(null);
        if (current == null) {
            return null;
        }
        lastUsed = current;
        return new ServerTextMasking(current.masker());
    }
}
