package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.engine.Admission;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.recording.ResultEvidence;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.MaskingSummary;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.policy.rules.SshRequestFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exec request or an interactive shell, relayed to the same request on the host once the
 * seam admits it: the caller's PTY (type, size, modes), window changes and signals go upstream,
 * the host's output and exit status come back, and the terminal is recorded as asciicast v2.
 */
final class RelayedChannel extends CallerStreams {

    private static final Logger LOG = LoggerFactory.getLogger(RelayedChannel.class);

    private final SshListenerContext context;
    private final SshRequestFacts facts;
    private volatile ClientChannel upstream;

    /** @param facts {@link SshRequestFacts#exec} or {@link SshRequestFacts#shell} */
    RelayedChannel(SshListenerContext context, SshRequestFacts facts) {
        this.context = context;
        this.facts = facts;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        SshCaller caller = channel.getSession().getAttribute(SshCaller.KEY);
        RequestedEnvironment requested = SessionChannel.requestedEnvironment(channel);
        Thread.ofVirtual().name("ssh-channel-" + channel.getChannelId()).start(() -> run(caller, requested, env));
    }

    private void run(SshCaller caller, RequestedEnvironment requested, Environment env) {
        int status = 255;
        try {
            status = relay(caller, requested, env);
        } catch (EvidenceLogUnavailableException e) {
            tell("the evidence log cannot record the request, so it did not run");
        } catch (IOException | RuntimeException e) {
            LOG.debug("ssh channel of {} failed", caller.connection().name(), e);
            tell("the host could not be reached: " + e.getMessage());
        } finally {
            exit.onExit(status);
        }
    }

    private int relay(SshCaller caller, RequestedEnvironment requested, Environment env)
            throws EvidenceLogUnavailableException, IOException {
        boolean pty = !env.getPtyModes().isEmpty();
        // With a PTY the host's programs read keystrokes: a pager's !command runs as a shell would.
        SshRequestFacts request = pty ? facts.inTerminal() : facts;
        if (!request.legacyScpPaths().isEmpty()) { // its files are judged where they are on the host, as sftp's
            request = placed(caller, request);
        }
        if (!request.writtenPaths().isEmpty()) { // and so are the files a line writes: a directory may be a link
            request = writesPlaced(caller, request);
        }
        String message = request.operation().configName();
        String environmentRefused = context.gate().admitEnvironment(caller, requested, this::tell);
        if (environmentRefused != null) {
            context.gate().refuseForEnvironment(caller, message, request, environmentRefused);
            tell(environmentRefused);
            return 1;
        }
        long seq = caller.nextSequence();
        Ruling ruling = context.gate().decide(caller, request);
        Admission admission = context.gate().admit(caller, seq, message, request, ruling, this::tell);
        if (admission instanceof Admission.Refused refused) {
            tell(SshRequestGate.refusal(refused));
            return 1;
        }
        ClientSession session = caller.upstream(context.hosts());
        Map<String, String> vars = env.getEnv();
        int columns = number(vars.get(Environment.ENV_COLUMNS), 80);
        int rows = number(vars.get(Environment.ENV_LINES), 24);
        long limit = pty && facts.operation() != dev.tracegate.policy.rules.SshOperation.EXEC
                ? Long.MAX_VALUE : context.services().resultDataBytes();
        TerminalRecording recording = new TerminalRecording(caller.recorder(), seq, columns, rows, limit);
        long started = System.nanoTime();
        PtyCapableChannelSession channel = facts.operation() == dev.tracegate.policy.rules.SshOperation.SHELL
                ? session.createShellChannel() : session.createExecChannel(facts.text());
        if (pty) {
            channel.setUsePty(true);
            channel.setPtyType(vars.getOrDefault(Environment.ENV_TERM, "xterm"));
            channel.setPtyColumns(columns);
            channel.setPtyLines(rows);
            channel.setPtyModes(Map.copyOf(env.getPtyModes()));
        } else {
            channel.setUsePty(false);
        }
        // MINA sets SSH_AUTH_SOCK on this channel only when policy allowed the caller's -A (SshForwardingPolicy).
        channel.setAgentForwarding(vars.containsKey(SshAgent.SSH_AUTHSOCKET_ENV_NAME) && caller.agent() != null);
        channel.setIn(new RecordedInput(in, recording));
        MaskingReport report = new MaskingReport();
        MaskedTerminalOutput masked = outputs(channel, ruling, recording, report);
        upstream = channel;
        RecordedSignals signals = new RecordedSignals(caller, channel);
        env.addSignalListener((ch, signal) -> forward(channel, signal, env, recording, signals));
        try {
            channel.open().verify(java.time.Duration.ofSeconds(15));
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            if (masked != null) {
                passOnTheRest(masked);
            }
        } finally {
            signals.close();
            recording.end();
        }
        Integer code = channel.getExitStatus();
        String signal = channel.getExitSignal();
        caller.recorder().result(ended(seq, code, signal, (System.nanoTime() - started) / 1000), masking(ruling, report));
        return code != null ? code : 255;
    }

    /**
     * How the host said the command ended. A channel that closed with neither an exit status nor a
     * signal (the caller or the host went away while it ran) ended without the host saying: it was
     * cut off and may have run, which an invented exit status would hide.
     */
    private static ResultRecord ended(long seq, Integer code, String signal, long micros) {
        if (code == null && signal == null) {
            return new ResultRecord(seq, "unanswered", List.of("no exit status"), 0, micros,
                    SessionRecorder.UNANSWERED_SQLSTATE,
                    "tracegate: the channel closed before the host sent an exit status; it may have run");
        }
        int status = code != null ? code : 255;
        return new ResultRecord(seq, status == 0 ? "ok" : "error", List.of(signal != null ? "signal " + signal
                : "exit " + status), 0, micros, null, status == 0 ? null : "exit status " + status);
    }

    /** A legacy scp line judged where its paths are on the host ({@link HostPaths#placed}); unknown when the host cannot be asked. */
    private SshRequestFacts placed(SshCaller caller, SshRequestFacts request) {
        try {
            return HostPaths.placed(caller.upstream(context.hosts()), request);
        } catch (IOException e) {
            return request.unplaceable(HostPaths.UNPLACEABLE);
        }
    }

    /** An exec line judged where its writes land on the host ({@link HostPaths#writesPlaced}); unknown when it cannot be asked. */
    private SshRequestFacts writesPlaced(SshCaller caller, SshRequestFacts request) {
        try {
            return HostPaths.writesPlaced(caller.upstream(context.hosts()), request);
        } catch (IOException e) {
            return request.unplaceable(HostPaths.UNPLACEABLE);
        }
    }

    /**
     * Where the host's stdout and stderr go: with {@code masking.terminal: mask}, a masked caller
     * and the recording both get the output through the caller's profile; another caller gets it
     * as printed and the recording through the policy's record profile. With {@code pass}, both
     * get it as printed.
     *
     * @return the masking to end when the channel closes, or {@code null}
     */
    private MaskedTerminalOutput outputs(PtyCapableChannelSession channel, Ruling ruling, TerminalRecording recording,
                                         MaskingReport report) {
        if (!ruling.maskTerminal()) {
            channel.setOut(new PassedOutput(out, recording::output));
            channel.setErr(new PassedOutput(err, recording::output));
            return null;
        }
        CallerMasking caller = ruling.masking().orElse(null);
        if (caller != null) {
            MaskedTerminalOutput masked = new MaskedTerminalOutput(caller.masker(), report, (stream, bytes) -> {
                recording.output(bytes, 0, bytes.length);
                OutputStream to = stream == 0 ? out : err;
                to.write(bytes);
                to.flush();
            });
            channel.setOut(masked.stream(0));
            channel.setErr(masked.stream(1));
            return masked;
        }
        MaskedTerminalOutput recorded = new MaskedTerminalOutput(ruling.recordingMasker(), report,
                (stream, bytes) -> recording.output(bytes, 0, bytes.length));
        OutputStream recordedOut = recorded.stream(0);
        OutputStream recordedErr = recorded.stream(1);
        // Once the recording keeps no more (exec output past evidence.resultDataBytes), nothing is scanned for it.
        channel.setOut(new PassedOutput(out, (data, offset, length) -> {
            if (!recording.full()) {
                recordedOut.write(data, offset, length);
            }
        }));
        channel.setErr(new PassedOutput(err, (data, offset, length) -> {
            if (!recording.full()) {
                recordedErr.write(data, offset, length);
            }
        }));
        return recorded;
    }

    /** What masking held back goes out at the end; a caller already gone does not keep the result from the evidence. */
    private static void passOnTheRest(MaskedTerminalOutput masked) {
        try {
            masked.end();
        } catch (IOException e) {
            LOG.debug("the caller left before the end of the output: {}", e.toString());
        }
    }

    /** What terminal masking did, for the {@code masking.applied} event; {@code null} when nothing was masked. */
    private static ResultEvidence masking(Ruling ruling, MaskingReport report) {
        if (!ruling.maskTerminal() || report.isEmpty()) {
            return null;
        }
        MaskingSummary summary = report.snapshot();
        return ruling.masking()
                .map(m -> new ResultEvidence(null, 0, false, new ResultEvidence.MaskingApplied(m.rule(), m.profile(), summary),
                        null, null, null))
                .orElseGet(() -> new ResultEvidence(null, 0, false, null, summary, null, null));
    }

    /** Window changes keep the host's PTY the caller's size; other signals are passed on as recorded SSH signal requests. */
    private static void forward(PtyCapableChannelSession channel, Signal signal, Environment env, TerminalRecording recording,
                                RecordedSignals signals) {
        if (signal != Signal.WINCH) {
            signals.forward(signal);
            return;
        }
        int columns = number(env.getEnv().get(Environment.ENV_COLUMNS), 80);
        int rows = number(env.getEnv().get(Environment.ENV_LINES), 24);
        recording.resize(columns, rows);
        try {
            channel.sendWindowChange(columns, rows);
        } catch (IOException e) {
            LOG.debug("window change not passed on: {}", e.toString());
        }
    }

    private static int number(String value, int otherwise) {
        try {
            return value == null ? otherwise : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        ClientChannel relayed = upstream;
        if (relayed != null) {
            relayed.close(false);
        }
    }

    /** What the caller types, recorded as it goes upstream. */
    private static final class RecordedInput extends java.io.FilterInputStream {
        private final TerminalRecording recording;

        RecordedInput(InputStream in, TerminalRecording recording) {
            super(in);
            this.recording = recording;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                recording.input(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            recording.input(buffer, offset, n);
            return n;
        }
    }

    /** What the host writes, passed to the caller as it comes, then copied to {@code copy} (the recording or its masking). */
    private static final class PassedOutput extends OutputStream {

        /** Where the copy goes. */
        interface Copy {
            void write(byte[] data, int offset, int length) throws IOException;
        }

        private final OutputStream to;
        private final Copy copy;

        PassedOutput(OutputStream to, Copy copy) {
            this.to = to;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            to.write(buffer, offset, length);
            to.flush();
            copy.write(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            to.flush();
        }
    }
}
