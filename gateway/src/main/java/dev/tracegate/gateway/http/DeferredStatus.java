package dev.tracegate.gateway.http;

import dev.tracegate.gateway.identity.AuthenticationException;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.evidence.AuthFailure;
import dev.tracegate.gateway.evidence.SourceAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /_tracegate/requests/<approval id>}: the answer to a request held with {@code Prefer:
 * respond-async}. {@code 202} with {@code {"status": "pending"}} while it waits or runs, then the
 * target's answer (or the gateway's refusal) as the client would have received it. Only the
 * identity that sent the request may collect it; to anyone else the id does not exist.
 */
final class DeferredStatus {

    private DeferredStatus() {
    }

    static void handle(SessionAdmission admission, DeferredResponses deferred, Request request, Response response,
                       Callback callback) {
        String id = request.getHttpURI().getCanonicalPath().substring(DeferredResponses.PATH_PREFIX.length());
        String authorization = request.getHeaders().get("Authorization");
        Identity caller;
        try {
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new AuthenticationException("no bearer token");
            }
            // Through the seam, as every credential: refusals are recorded, delegated credentials (MCP) accepted.
            String remote = Request.getRemoteAddr(request);
            caller = admission.authenticate(authorization.substring(7).strip(), reason -> new AuthFailure(
                    SourceAddress.parse(remote), HttpEngine.PROTOCOL, remote + ":" + Request.getRemotePort(request), reason,
                    Map.of("path", DeferredResponses.PATH_PREFIX + id)));
        } catch (AuthenticationException e) {
            HttpErrors.send(response, callback, 401, "a valid bearer token is required", null);
            return;
        }
        Optional<DeferredResponses.Deferred> entry = deferred.find(id)
                .filter(d -> d.requester().samePerson(caller));
        if (entry.isEmpty()) {
            HttpErrors.send(response, callback, 404, "no held request " + id + " of yours", null);
            return;
        }
        StoredResponse.Snapshot answer = entry.get().response().snapshot();
        if (!answer.complete()) {
            HttpErrors.send(response, callback, 202, "pending", HttpErrors.fields().put("status", "pending")
                    .put("approval", id));
            return;
        }
        response.setStatus(answer.status());
        for (Map.Entry<String, String> header : answer.headers()) {
            response.getHeaders().add(header.getKey(), header.getValue());
        }
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }
}
