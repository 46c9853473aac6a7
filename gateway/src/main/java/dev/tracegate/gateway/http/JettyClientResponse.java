package dev.tracegate.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/** The answer written to the client's own connection, as it streams. */
final class JettyClientResponse implements ClientResponse {

    private final Response response;
    private final Callback callback;
    private OutputStream body;
    private boolean done;

    JettyClientResponse(Response response, Callback callback) {
        this.response = response;
        this.callback = callback;
    }

    @Override
    public void error(int status, String message, ObjectNode extra) {
        if (response.isCommitted()) {
            abort(new IOException(message));
            return;
        }
        done = true;
        HttpErrors.send(response, callback, status, message, extra);
    }

    @Override
    public void begin(int status) {
        response.setStatus(status);
    }

    @Override
    public void header(String name, String value) {
        response.getHeaders().add(name, value);
    }

    @Override
    public OutputStream body() {
        if (body == null) {
            body = Content.Sink.asOutputStream(response);
        }
        return body;
    }

    @Override
    public void complete() {
        try {
            body().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        done = true;
        callback.succeeded();
    }

    /** One write with the end: Jetty frames it with a Content-Length and sends headers and body together. */
    @Override
    public void completeWith(byte[] whole) throws IOException {
        if (body != null) {
            throw new IllegalStateException("part of the body went through body() already");
        }
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(true, ByteBuffer.wrap(whole), written);
            written.block();
        }
        done = true;
        callback.succeeded();
    }

    @Override
    public void abort(Exception cause) {
        if (!done) {
            done = true;
            callback.failed(cause);
        }
    }

    @Override
    public boolean committed() {
        return done || response.isCommitted();
    }
}
