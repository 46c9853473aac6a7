package dev.tracegate.gateway.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The caller's side of one channel the gateway relays: its streams, its exit, and how it is told things. */
abstract class CallerStreams implements Command {

    private static final Logger LOG = LoggerFactory.getLogger(CallerStreams.class);

    protected InputStream in;
    protected OutputStream out;
    protected OutputStream err;
    protected ExitCallback exit;

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    /** A line on the channel's stderr, {@code tracegate: } first (CR LF: a PTY may be in raw mode). */
    protected void tell(String text) {
        try {
            err.write(("tracegate: " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            LOG.debug("caller left before being told: {}", e.toString());
        }
    }
}
