package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.approval.ApprovalResult;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.engine.CommandGate;
import dev.tracegate.gateway.engine.EngineServices;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Command;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.recording.CommandRecord;
import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.gateway.recording.RecordedCommand;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.SshRequestFacts;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One SSH request through the seam: the Guard's ruling, the write-ahead {@code command} event,
 * then the {@link CommandGate}. A held request waits on the channel's own thread; the caller is
 * told what it waits for, and the request is withdrawn when the caller's session ends.
 */
final class SshRequestGate {

    private final EngineServices services;

    SshRequestGate(EngineServices services) {
        this.services = services;
    }

    /**
     * Whether the request may go upstream. Refusals are already in the evidence when this returns.
     *
     * @param message how the engine names it in the evidence: {@code exec}, {@code shell}, {@code sftp}
     * @param notice  where the caller is told about a hold (the channel's stderr, or its terminal)
     */
    Admission admit(SshCaller caller, long seq, String message, SshRequestFacts facts, Consumer<String> notice)
            throws EvidenceLogUnavailableException {
        return admit(caller, seq, message, facts, UnseenInput.of(facts), notice);
    }

    /** As above, for a request that says itself what follows it unseen (an sftp file opened for writing). */
    Admission admit(SshCaller caller, long seq, String message, SshRequestFacts facts, UnseenInput unseen,
                    Consumer<String> notice) throws EvidenceLogUnavailableException {
        return admit(caller, seq, message, facts, decide(caller, facts), unseen, notice);
    }

    /**
     * The environment variables a channel asked for, each decided and recorded as an {@code env}
     * request before the channel's own request; none is passed on to the host.
     *
     * @return why the channel is refused (a variable refused, or too many asked for), or {@code null}
     */
    String admitEnvironment(SshCaller caller, RequestedEnvironment environment, Consumer<String> notice)
            throws EvidenceLogUnavailableException {
        List<SshRequestFacts> requests = environment.start();
        for (int i = 0; i < requests.size(); i++) {
            if (i == RequestedEnvironment.MOST) {
                String reason = "the client asked for more than " + RequestedEnvironment.MOST + " environment variables";
                refuse(caller, "env", requests.get(i), reason);
                return reason;
            }
            long seq = caller.nextSequence();
            Admission admission = admit(caller, seq, "env", requests.get(i), notice);
            if (admission instanceof Admission.Refused refused) {
                return refusal(refused);
            }
            // Allowed, it has done all it does: it is noted, never passed on to the host.
            caller.recorder().result(new ResultRecord(seq, "ok", List.of("not passed on to the host"), 0, 0, null, null));
        }
        return null;
    }

    /**
     * A channel request refused because the environment it was asked with was: recorded as refused
     * too, so the evidence shows what did not run.
     */
    void refuseForEnvironment(SshCaller caller, String message, SshRequestFacts facts, String refusal) {
        refuse(caller, message, facts, "refused with the environment it asked for: " + refusal);
    }

    /** The Guard's ruling on a request, for a channel that also needs its masking. */
    Ruling decide(SshCaller caller, SshRequestFacts facts) {
        return services.guard().decide(caller.subject(), new Command.Ssh(facts));
    }

    /** As {@link #admit(SshCaller, long, String, SshRequestFacts, Consumer)}, on a ruling already made by {@link #decide}. */
    Admission admit(SshCaller caller, long seq, String message, SshRequestFacts facts, Ruling ruling,
                    Consumer<String> notice) throws EvidenceLogUnavailableException {
        return admit(caller, seq, message, facts, ruling, UnseenInput.of(facts), notice);
    }

    private Admission admit(SshCaller caller, long seq, String message, SshRequestFacts facts, Ruling ruling,
                            UnseenInput unseen, Consumer<String> notice) throws EvidenceLogUnavailableException {
        var recorder = caller.recorder();
        EvidenceLog.awaitDurable(recordCommand(caller, seq, message, facts, ruling));
        CommandGate gate = services.gate();
        Admission admission = gate.admit(recorder, seq, ruling);
        if (!(admission instanceof Admission.NeedsApproval held)) {
            return sessionGoesOn(caller, admission, notice);
        }
        Admission.Waiting waiting = gate.request(recorder, held, unseen.shown(recorded(ruling.forApprovers(), facts).text()),
                unseen.shown(recorded(ruling.recording(), facts).text()), recorder.session().trace());
        String id = waiting.pending().id();
        String url = services.approvals().approveUrl(id);
        notice.accept("held for approval " + id + " (rule " + ruling.decision().rule() + "): "
                + ApprovalService.approveCommand(id) + (url == null ? "" : " or " + url));
        return sessionGoesOn(caller, gate.decided(recorder, seq, waiting, await(caller, waiting, gate)), notice);
    }

    /**
     * The gate's verdict; one that ends the session (the key it signed in with no longer stands) is
     * told where the request's notices go and the caller's whole SSH session ends with it.
     */
    private static Admission sessionGoesOn(SshCaller caller, Admission admission, Consumer<String> notice) {
        if (admission instanceof Admission.Refused refused && refused.endsSession()) {
            notice.accept(refused.message());
            caller.end(refused.message());
        }
        return admission;
    }

    /**
     * A request the gateway cannot relay whatever the policy says (agent, X11 and remote
     * forwarding): recorded as a {@code command} and its {@code command.blocked}, with the rule
     * that would have decided it, so every refusal is in the evidence.
     */
    void refuseUnrelayed(SshCaller caller, String message, SshRequestFacts facts) {
        refuse(caller, message, facts, "the gateway does not relay " + facts.operation().configName());
    }

    /** A request refused whatever the policy says, for {@code reason}; recorded like a policy refusal. */
    void refuse(SshCaller caller, String message, SshRequestFacts facts, String reason) {
        long seq = caller.nextSequence();
        Ruling ruling = services.guard().decide(caller.subject(), new Command.Ssh(facts));
        recordCommand(caller, seq, message, facts, ruling);
        caller.recorder().blocked(seq, "blocked", ruling.decision().rule(), reason, ruling.statementClass(), null);
    }

    private static java.util.concurrent.CompletableFuture<Long> recordCommand(SshCaller caller, long seq, String message,
                                                                           SshRequestFacts facts, Ruling ruling) {
        var recorder = caller.recorder();
        return recorder.command(new CommandRecord(seq, message, facts.text(), null, null, recorder.session().trace(),
                ruling.statementClass(), ruling.decision().rule()).recorded(recorded(ruling.recording(), facts)));
    }

    /**
     * What the evidence keeps of a request's text: a command line as sent (docs/ssh.md); an
     * {@code env} request's value as an HTTP header's value is kept, through the record profile
     * with the variable's name as a hint, since nothing else the client wrote reaches the evidence
     * unread.
     */
    private static RecordedCommand recorded(CommandRedaction redaction, SshRequestFacts facts) {
        if (facts.operation() != SshOperation.ENV) {
            return redaction.call(facts.text(), null);
        }
        String text = facts.text();
        int equals = text.indexOf('=');
        String name = text.substring("env ".length(), equals);
        RecordedCommand value = redaction.header(name.toLowerCase(Locale.ROOT), text.substring(equals + 1));
        return new RecordedCommand(text.substring(0, equals + 1) + value.text(), null, value.redactions());
    }

    /** The approvers' answer, or a withdrawal when the caller leaves first. */
    private static ApprovalResult await(SshCaller caller, Admission.Waiting waiting, CommandGate gate) {
        var pending = waiting.pending();
        try {
            long millis = Math.max(1, pending.expiresAt().toEpochMilli() - System.currentTimeMillis()) + 5_000;
            CompletableFuture.anyOf(pending.decision(), caller.closed()).get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // gate.await below says what became of it
        }
        if (!pending.decision().isDone() && caller.closed().isDone()) {
            return gate.withdrawn(waiting.pending(), "the caller's SSH session ended");
        }
        return gate.await(waiting.pending());
    }

    static String refusal(Admission.Refused refused) {
        return refused.message() + (refused.approvalId() == null ? "" : "; nothing ran");
    }
}
