package dev.tracegate.gateway.api;

import dev.tracegate.gateway.console.ConsoleSession;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * {@code GET /api/me}: who the caller is and what they may do, so the console shows only the
 * actions that will work. The server still checks every action on its own.
 */
final class CallerView {

    private CallerView() {
    }

    static Map<String, Object> of(Identity caller, ConsoleSession session, Policy policy) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("subject", caller.subject());
        view.put("issuer", caller.issuer());
        view.put("name", caller.name());
        view.put("email", caller.email());
        if (caller.email() != null && !caller.emailVerified()) {
            view.put("email_verified", false);
        }
        view.put("kind", caller.kind());
        view.put("groups", caller.groups());
        view.put("roles", roles(caller, policy));
        if (session != null) {
            // Only for the console's own pages: scripts there echo it in X-Tracegate-Csrf.
            view.put("csrf_token", session.csrfToken());
            view.put("session_expires_at", session.expiresAt().toString());
        }
        return view;
    }

    /** admin, auditor, approver (a member of any approval rule's approver or break-glass groups), user. */
    static List<String> roles(Identity caller, Policy policy) {
        List<String> roles = new ArrayList<>();
        if (caller.inGroup("admins")) {
            roles.add("admin");
        }
        if (caller.inGroup("auditors")) {
            roles.add("auditor");
        }
        boolean approver = policy.rules().stream().map(Rule::approval).filter(Objects::nonNull)
                .flatMap(spec -> Stream.concat(spec.approverGroups().stream(), spec.breakGlassGroups().stream()))
                .anyMatch(caller::inGroup);
        if (approver) {
            roles.add("approver");
        }
        roles.add("user");
        return roles;
    }
}
