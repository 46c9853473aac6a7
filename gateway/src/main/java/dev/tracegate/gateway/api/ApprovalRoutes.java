package dev.tracegate.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.approval.ApprovalResult;
import dev.tracegate.gateway.approval.ApprovalException;
import dev.tracegate.gateway.approval.ApprovalService;
import dev.tracegate.gateway.approval.ApproverVote;
import dev.tracegate.gateway.approval.PendingApproval;
import dev.tracegate.gateway.config.ConsoleConfig;
import dev.tracegate.gateway.console.ConsoleSession;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.gateway.identity.SignIn;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.ledger.text.VisibleText;
import dev.tracegate.policy.rules.ApprovalSpec;
import dev.tracegate.policy.rules.PolicyException;
import dev.tracegate.policy.rules.PolicyParser;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Approvals over the API: list, show, approve, deny. Who may decide is the approval service's
 * business (approver groups, no self-approval); this class maps its answers to HTTP and decides
 * who may see a request at all: its requester, the people who may decide it, and admins and
 * auditors. Held commands can carry sensitive literals, so nobody else learns of them.
 */
final class ApprovalRoutes {

    private static final int RECENT_COMMANDS = 10;
    /** As for sessions: these groups see everything. */
    private static final List<String> SEE_ALL_GROUPS = List.of("admins", "auditors");

    private ApprovalRoutes() {
    }

    static void register(RoutesConfig routes, ApprovalService approvals, SessionQueries sessions) {
        register(routes, approvals, sessions, ConsoleConfig.tokenOnly().decisionSignIn());
    }

    /**
     * @param consoleDecisionSignIn how recent a console session's sign-in must be for its person to
     *                              approve or deny ({@code console.decisionSignInMinutes})
     */
    static void register(RoutesConfig routes, ApprovalService approvals, SessionQueries sessions, Duration consoleDecisionSignIn) {
        routes.get("/api/approvals", ctx -> list(ctx, approvals));
        routes.get("/api/approvals/{id}", ctx -> ctx.json(viewFor(ctx, approvals, visible(ctx, approvals))));
        routes.get("/api/approvals/{id}/activity", ctx -> ctx.json(Map.of("commands",
                sessions.recentCommands(visible(ctx, approvals).request().requester(), RECENT_COMMANDS))));
        routes.post("/api/approvals/{id}/approve", ctx -> decide(ctx, approvals, true, consoleDecisionSignIn));
        routes.post("/api/approvals/{id}/deny", ctx -> decide(ctx, approvals, false, consoleDecisionSignIn));
    }

    /**
     * A console session keeps the groups of its sign-in for its whole life (hours); a decision
     * through it needs them read recently, or someone removed from the approver group at the
     * identity provider could still decide. 401 sends the console to sign in again, back to this
     * page. A bearer token carries its own, short, life.
     */
    private static void requireRecentConsoleSignIn(Context ctx, Duration within) {
        ConsoleSession session = ctx.attribute(ApiServer.CONSOLE_SESSION);
        if (session == null) {
            requireRecentSignInOfAConsoleToken(ctx, within);
            return;
        }
        Instant signedIn = session.signedInAt();
        if (signedIn == null || !Instant.now().isBefore(signedIn.plus(within))) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "sign in to the console again to approve or deny: your groups were read when"
                    + " this session signed in" + (signedIn == null ? "" : " at " + signedIn) + ", and a decision needs them read within the last "
                    + within.toMinutes() + " minutes (console.decisionSignInMinutes)");
        }
    }

    /**
     * A gateway token issued through a console session (or renewed from one) carries that session's
     * groups, read at its sign-in, for as long as the session lasts: it decides only as the console
     * would, with a sign-in at most {@code within} old. Until 2026-12-07 a token the console issued
     * decided over the API hours after the console itself asked to sign in again, so someone removed
     * from the approver group at the identity provider could go on deciding through it. The token
     * states when its sign-in happened, not when the console read the groups (later or the same), so
     * the check is, if anything, stricter than the console's.
     */
    private static void requireRecentSignInOfAConsoleToken(Context ctx, Duration within) {
        SignIn signIn = ctx.attribute(ApiServer.SIGN_IN);
        if (signIn == null || signIn.console() == null) {
            return;
        }
        if (!Instant.now().isBefore(signIn.authenticatedAt().plus(within))) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "sign in again to approve or deny: this token was issued through a console"
                    + " session, whose groups were read when it signed in at " + signIn.authenticatedAt() + ", and a decision needs"
                    + " them read within the last " + within.toMinutes() + " minutes (console.decisionSignInMinutes)");
        }
    }

    /** Pending requests the caller may see, oldest first; with {@code ?all=true} also recent decisions, newest first. */
    private static void list(Context ctx, ApprovalService approvals) {
        Identity caller = ctx.attribute(ApiServer.IDENTITY);
        boolean all = Boolean.parseBoolean(ctx.queryParam("all"));
        Stream<PendingApproval> found = all ? approvals.recent().stream() : approvals.pending().stream();
        ctx.json(found.filter(approval -> maySee(caller, approval)).map(approval -> viewFor(ctx, approvals, approval)).toList());
    }

    private static PendingApproval visible(Context ctx, ApprovalService approvals) {
        Identity caller = ctx.attribute(ApiServer.IDENTITY);
        String id = ctx.pathParam("id");
        return approvals.find(id).filter(approval -> maySee(caller, approval))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "no approval " + id));
    }

    private static void decide(Context ctx, ApprovalService approvals, boolean approve, Duration consoleDecisionSignIn) {
        Identity caller = ctx.attribute(ApiServer.IDENTITY);
        visible(ctx, approvals); // someone who may not see a request learns nothing of it, not even that it exists
        requireRecentConsoleSignIn(ctx, consoleDecisionSignIn);
        JsonNode body = body(ctx);
        String reason = body == null ? null : body.path("reason").asText(null);
        if (reason == null || reason.isBlank()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "give a reason: {\"reason\": \"...\"}");
        }
        String id = ctx.pathParam("id");
        try {
            // The sign-in, not only who: an earlier vote counts at the deciding one only while its sign-in stands, and
            // an approval or a denial through a key the requester created, or on a command run with a key the
            // decider created, is the requester's side deciding.
            SignIn signIn = ctx.attribute(ApiServer.SIGN_IN);
            if (approve) {
                approvals.approve(id, signIn, reason, grant(body));
            } else {
                approvals.deny(id, signIn, reason);
            }
        } catch (ApprovalException e) {
            throw new ApiException(status(e.kind()), e.getMessage());
        }
        ctx.json(viewFor(ctx, approvals, approvals.find(id).orElseThrow()));
    }

    private static JsonNode body(Context ctx) {
        if (ctx.body().isBlank()) {
            return null;
        }
        try {
            return ctx.bodyAsClass(JsonNode.class);
        } catch (Exception e) {
            // Jackson's parse errors are checked exceptions that Javalin rethrows unchecked.
            throw new ApiException(HttpStatus.BAD_REQUEST, "the body must be JSON such as {\"reason\": \"...\"}");
        }
    }

    static HttpStatus status(ApprovalException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case ALREADY_DECIDED, ALREADY_VOTED -> HttpStatus.CONFLICT;
            case INVALID -> HttpStatus.BAD_REQUEST;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }

    private static Duration grant(JsonNode body) {
        String grant = body.path("grant").asText(null);
        if (grant == null || grant.isBlank()) {
            return null;
        }
        try {
            return PolicyParser.duration(grant, "grant");
        } catch (PolicyException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    /** The requester, anyone who may decide it, admins and auditors. */
    private static boolean maySee(Identity caller, PendingApproval approval) {
        return caller.samePerson(approval.request().requester()) || mayVote(caller, approval.request().spec())
                || SEE_ALL_GROUPS.stream().anyMatch(caller::inGroup);
    }

    /** A member of an approver or break-glass group; the service still refuses self-approval and second votes. */
    private static boolean mayVote(Identity caller, ApprovalSpec spec) {
        return Stream.of(spec.approverGroups(), spec.breakGlassGroups()).flatMap(List::stream).anyMatch(caller::inGroup);
    }

    /**
     * The view, plus whether this caller may vote on it now (the console shows the buttons only
     * then), and when a key they hold keeps them from it, why ({@code cannot_decide}): the console
     * offers what the decision would allow, through the same checks.
     */
    static Map<String, Object> viewFor(Context ctx, ApprovalService approvals, PendingApproval approval) {
        Identity caller = ctx.attribute(ApiServer.IDENTITY);
        Map<String, Object> view = viewFor(caller, approval);
        if (Boolean.TRUE.equals(view.get("may_decide"))) {
            approvals.keyHolderRefusal(approval, ctx.attribute(ApiServer.SIGN_IN)).ifPresent(why -> {
                view.put("may_decide", false);
                view.put("cannot_decide", VisibleText.of(why));
            });
        }
        return view;
    }

    /** The view, plus whether this caller may vote on it now as far as who they are tells. */
    static Map<String, Object> viewFor(Identity caller, PendingApproval approval) {
        Map<String, Object> view = view(approval);
        boolean own = caller.samePerson(approval.request().requester());
        boolean voted = approval.votes().stream().anyMatch(v -> caller.samePerson(v.approver()));
        view.put("may_decide", !approval.decided() && !own && !voted && mayVote(caller, approval.request().spec()));
        return view;
    }

    static Map<String, Object> view(PendingApproval approval) {
        Map<String, Object> view = new LinkedHashMap<>();
        ApprovalSpec spec = approval.request().spec();
        ApprovalResult decision = approval.decision().getNow(null);
        view.put("id", approval.id());
        view.put("status", decision == null ? "pending" : decision.outcome().name().toLowerCase(Locale.ROOT));
        view.put("requester", name(approval.request().requester()));
        view.put("requester_subject", VisibleText.of(approval.request().requester().subject()));
        view.put("requester_issuer", approval.request().requester().issuer());
        view.put("session", approval.request().sessionId());
        view.put("connection", approval.request().connection());
        view.put("protocol", approval.request().protocol());
        view.put("command", approval.request().command());
        view.put("command_shown", spec.clearStatement() ? "clear" : "masked");
        view.put("class", approval.request().statementClass());
        view.put("rule", approval.request().rule());
        view.put("reason", approval.request().reason());
        view.put("approvers", spec.approverGroups());
        view.put("min_approvals", spec.minApprovals());
        view.put("break_glass_groups", spec.breakGlassGroups());
        view.put("votes", approval.votes().stream().map(ApprovalRoutes::vote).toList());
        view.put("requested_at", approval.requestedAt().toString());
        view.put("expires_at", approval.expiresAt().toString());
        view.put("approve_command", ApprovalService.approveCommand(approval.id()));
        if (decision != null) {
            Map<String, Object> decided = new LinkedHashMap<>();
            decided.put("outcome", view.get("status"));
            decided.put("reason", VisibleText.of(decision.reason()));
            decided.put("by", approval.decidedBy().map(ApprovalRoutes::name).orElse(null));
            decided.put("at", approval.decidedAt().map(Object::toString).orElse(null));
            decided.put("break_glass", decision.breakGlass());
            view.put("decision", decided);
        }
        approval.grant().ifPresent(grant -> view.put("grant", Map.of("connection", grant.connection(),
                "class", grant.statementClass(), "expires_at", grant.expiresAt().toString())));
        return view;
    }

    private static Map<String, Object> vote(ApproverVote vote) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("approver", name(vote.approver()));
        out.put("subject", VisibleText.of(vote.approver().subject()));
        out.put("issuer", vote.approver().issuer());
        out.put("reason", VisibleText.of(vote.reason()));
        out.put("at", vote.at().toString());
        return out;
    }

    /** Names and reasons come from identity providers and people: shown so none reads in another order than written. */
    private static String name(Identity identity) {
        return VisibleText.of(identity.name() != null ? identity.name() : identity.subject());
    }
}
