package dev.tracegate.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where the answer to a request goes: straight to the waiting client, or, for a request held for
 * approval with {@code Prefer: respond-async}, into a {@link StoredResponse} the client collects later.
 */
interface ClientResponse {

    /** A JSON error answer ({@code {"error": ...}}); ends the response. */
    void error(int status, String message, ObjectNode extra);

    /** Status and headers of a relayed answer; the body follows through {@link #body()}. */
    void begin(int status);

    void header(String name, String value);

    OutputStream body();

    /** The relayed answer is complete. */
    void complete();

    /**
     * The whole body of a relayed answer, and its end, at once: after {@link #begin} and the
     * headers, instead of {@link #body()} and {@link #complete()}. The array is not changed afterwards.
     */
    default void completeWith(byte[] whole) throws IOException {
        body().write(whole);
        complete();
    }

    /** The relayed answer broke after it began: the client must not take it as complete. */
    void abort(Exception cause);

    /** Whether the status line is out, so that only {@link #abort} is left. */
    boolean committed();
}
