package dev.tracegate.gateway.ssh;

import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.TerminalOutputMasker;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's terminal output (stdout and stderr, in the order the host wrote them) through one
 * {@link TerminalOutputMasker}. What is safe to pass on goes at once; the rest waits for more
 * output, or for {@link #QUIET_MILLIS} without any (a prompt, an echoed keystroke), when all but a
 * tail that could still start a value is passed on; {@link #end()} passes on everything.
 */
final class MaskedTerminalOutput {

    /** Long enough to join the pieces of one write the host made, short enough for typing to feel live. */
    static final long QUIET_MILLIS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(MaskedTerminalOutput.class);

    private final TerminalOutputMasker masker;
    private long lastWriteNanos;
    private boolean watching;
    private boolean ended;

    /** @param report counts what was masked, for the {@code masking.applied} event */
    MaskedTerminalOutput(Masker masker, MaskingReport report, TerminalOutputMasker.Sink sink) {
        this.masker = new TerminalOutputMasker(masker, "terminal", report, sink);
    }

    /** The host's stdout (0) or stderr (1), as MINA writes it. */
    OutputStream stream(int index) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] data, int offset, int length) throws IOException {
                MaskedTerminalOutput.this.write(index, data, offset, length);
            }
        };
    }

    private synchronized void write(int stream, byte[] data, int offset, int length) throws IOException {
        if (ended) {
            return;
        }
        masker.write(stream, data, offset, length);
        lastWriteNanos = System.nanoTime();
        if (masker.holding() && !watching) {
            watching = true;
            Thread.ofVirtual().name("ssh-terminal-quiet").start(this::watch);
        }
    }

    /** Waits for a quiet moment, passes on what it allows, and stops until output is held again. */
    private void watch() {
        try {
            while (true) {
                long wait;
                synchronized (this) {
                    if (ended || !masker.holding()) {
                        watching = false;
                        return;
                    }
                    wait = lastWriteNanos + QUIET_MILLIS * 1_000_000L - System.nanoTime();
                    if (wait <= 0) {
                        watching = false;
                        masker.quiet();
                        return;
                    }
                }
                Thread.sleep(wait / 1_000_000L + 1);
            }
        } catch (IOException e) {
            LOG.debug("terminal output not passed on: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The output ended: everything held is scanned and passed on; later writes are dropped. */
    synchronized void end() throws IOException {
        if (!ended) {
            ended = true;
            masker.end();
        }
    }
}
