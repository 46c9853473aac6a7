package dev.tracegate.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer to a request that was held for approval with {@code Prefer: respond-async}: kept in
 * memory, up to a limit, until the client collects it from its status URL. Thread-safe: written
 * by the request's virtual thread, read by the status request's.
 */
final class StoredResponse implements ClientResponse {

    /** Larger answers are not kept; the client is told so. */
    static final int MAX_BYTES = 10 * 1024 * 1024;

    private int status;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean overflowed;
    private boolean complete;

    /** What the client collects: {@code complete} false while the request still waits or runs. */
    record Snapshot(boolean complete, int status, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(complete, status, List.copyOf(headers), body.toByteArray());
    }

    @Override
    public synchronized void error(int status, String message, ObjectNode extra) {
        ObjectNode json = HttpErrors.fields().put("error", message);
        if (extra != null) {
            json.setAll(extra);
        }
        this.status = status;
        headers.clear();
        headers.add(Map.entry("Content-Type", "application/json"));
        body.reset();
        body.writeBytes((json + "\n").getBytes(StandardCharsets.UTF_8));
        complete = true;
    }

    @Override
    public synchronized void begin(int status) {
        this.status = status;
    }

    @Override
    public synchronized void header(String name, String value) {
        headers.add(Map.entry(name, value));
    }

    @Override
    public OutputStream body() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (StoredResponse.this) {
                    if (body.size() + len > MAX_BYTES) {
                        overflowed = true;
                    } else {
                        body.write(b, off, len);
                    }
                }
            }
        };
    }

    @Override
    public synchronized void complete() {
        if (overflowed) {
            error(502, "the target's answer was over " + MAX_BYTES + " bytes, too large to keep for later collection",
                    null);
            return;
        }
        complete = true;
    }

    @Override
    public synchronized void abort(Exception cause) {
        error(502, "the target's answer could not be relayed: " + cause.getMessage(), null);
    }

    @Override
    public synchronized boolean committed() {
        return false;
    }
}
