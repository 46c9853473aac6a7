package dev.tracegate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.approval.ApprovalException;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.policy.rules.PolicyException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Approvals over the API: list, show, approve, deny. Who may decide is the approval service's
 * business (approver groups, no self-approval); this class only maps its answers to HTTP.
 */
final class ApprovalRoutes {

    private ApprovalRoutes() {
    }

    static void register(RoutesConfig routes, ApprovalService approvals) {
        routes.get("/api/approvals", ctx -> ctx.json(approvals.pending().stream().map(ApprovalRoutes::view).toList()));
        routes.get("/api/approvals/{id}", ctx -> ctx.json(view(approvals.find(ctx.pathParam("id"))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "no approval " + ctx.pathParam("id"))))));
        routes.post("/api/approvals/{id}/approve", ctx -> decide(ctx, approvals, true));
        routes.post("/api/approvals/{id}/deny", ctx -> decide(ctx, approvals, false));
    }

    private static void decide(Context ctx, ApprovalService approvals, boolean approve) {
        Identity caller = ctx.attribute(ApiServer.IDENTITY);
        JsonNode body = ctx.body().isBlank() ? null : ctx.bodyAsClass(JsonNode.class);
        String reason = body == null ? null : body.path("reason").asText(null);
        if (reason == null || reason.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "give a reason: {\"reason\": \"...\"}");
        }
        String id = ctx.pathParam("id");
        try {
            if (approve) {
                approvals.approve(id, caller, reason, grant(body));
            } else {
                approvals.deny(id, caller, reason);
            }
        } catch (ApprovalException e) {
            HttpStatus status = switch (e.kind()) {
                case NOT_FOUND -> HttpStatus.NOT_FOUND;
                case FORBIDDEN -> HttpStatus.FORBIDDEN;
                case ALREADY_DECIDED -> HttpStatus.CONFLICT;
            };
            throw new ApiException(status, e.getMessage());
        }
        ctx.json(view(approvals.find(id).orElseThrow()));
    }

    private static Duration grant(JsonNode body) {
        String grant = body.path("grant").asText(null);
        if (grant == null) {
            return null;
        }
        try {
            return dev.tracegate.policy.rules.PolicyParser.duration(grant, "grant");
        } catch (PolicyException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    static Map<String, Object> view(PendingApproval approval) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", approval.id());
        view.put("status", approval.decided() ? approval.decision().join().outcome().name().toLowerCase() : "pending");
        view.put("requester", approval.request().requester().name() == null ? approval.request().requester().subject()
                : approval.request().requester().name());
        view.put("connection", approval.request().connection());
        view.put("command", approval.request().command());
        view.put("class", approval.request().statementClass());
        view.put("rule", approval.request().rule());
        view.put("reason", approval.request().reason());
        view.put("approvers", approval.request().spec().approverGroups());
        view.put("min_approvals", approval.request().spec().minApprovals());
        view.put("votes", approval.votes().stream().map(v -> v.approver().subject()).toList());
        view.put("requested_at", approval.requestedAt().toString());
        view.put("expires_at", approval.expiresAt().toString());
        view.put("session", approval.request().sessionId());
        view.put("approve_command", ApprovalService.approveCommand(approval.id()));
        if (approval.decided()) {
            view.put("decision_reason", approval.decision().join().reason());
        }
        return view;
    }
}
