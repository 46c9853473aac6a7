package dev.tracegate.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Errors in the client's own protocol: an HTTP status with a JSON body that says why. */
final class HttpErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpErrors() {
    }

    /**
     * Sends {@code {"error": message, ...extra}} with {@code status}.
     *
     * @param extra more fields (rule, approval id), or null
     */
    static void send(Response response, Callback callback, int status, String message, ObjectNode extra) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        if (extra != null) {
            body.setAll(extra);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"tracegate\"");
        }
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    static ObjectNode fields() {
        return JSON.createObjectNode();
    }
}
