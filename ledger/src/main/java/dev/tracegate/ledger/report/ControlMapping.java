package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Which figures evidence which control: SOC 2 (2017 Trust Services Criteria), ISO/IEC 27001:2022
 * Annex A, and the 2013 Annex A numbers many auditors still use. docs/audit-report.md gives the same
 * table with the reasoning; {@link #why} is its short form, printed with each control.
 */
final class ControlMapping {

    /**
     * @param evidence   figure ids of the populations that evidence it
     * @param exceptions keys under {@code exceptions} an auditor follows up
     */
    record Control(String framework, String id, String title, String requirement, String why, List<String> evidence,
                   List<String> exceptions) {
    }

    static final String SOC2 = "SOC 2";
    static final String ISO2022 = "ISO/IEC 27001:2022";
    static final String ISO2013 = "ISO/IEC 27001:2013";

    static final List<Control> CONTROLS = List.of(
            new Control(SOC2, "CC6.1", "Logical access security",
                    "Access to protected information goes through controls that identify and authenticate users and restrict what they reach.",
                    "Every session passes the gateway only after it verified a credential; the policy in force decides each statement and the masking profile what each caller sees.",
                    List.of("sessions.total", "auth_failures.total", "blocked.total", "masking.values", "policy.accepted"),
                    List.of("privileged_without_approval", "repeatedly_refused_masked_callers")),
            new Control(SOC2, "CC6.2", "Registration and credentials",
                    "Users are registered and authorised before credentials are issued, and credentials are removed when access ends.",
                    "Service-account keys and gateway tokens are issued, exchanged and revoked by the gateway, each an event; people come from the identity provider, whose leavers the auditor compares with the identities listed.",
                    List.of("identity_actions.total", "sessions.kind.service", "sessions.kind.agent"),
                    List.of("departed_identities")),
            new Control(SOC2, "CC6.3", "Role-based access and segregation of duties",
                    "Access is granted, changed and removed by role, with least privilege and segregation of duties.",
                    "Policy rules grant by group; risky statements wait for an approver of another group; the exceptions show approvals from the requester's own group.",
                    List.of("approvals.requested", "approvals.outcome.approved", "approvals.outcome.denied", "blocked.total", "privileged.total"),
                    List.of("own_group_approvals", "unsupported_approvals", "privileged_without_approval")),
            new Control(SOC2, "CC6.6", "Threats from outside the system boundary",
                    "Logical access measures protect against threats from sources outside the system's boundaries.",
                    "The gateway is the boundary in front of the data: refused credentials and connections without TLS are what crosses, or tries to cross, it.",
                    List.of("auth_failures.total", "sessions.without_tls", "identity_actions.total"),
                    List.of("sessions_without_tls")),
            new Control(SOC2, "CC6.7", "Transmission and movement of information",
                    "The transmission, movement and removal of information is restricted to authorised users and protected in transit.",
                    "Masking removes personal data from results and bodies before they leave the gateway; statements that copy or compute protected columns are refused; TLS protects the connection.",
                    List.of("masking.values", "masking.events", "blocked.total", "sessions.without_tls"),
                    List.of("repeatedly_refused_masked_callers", "sessions_without_tls")),
            new Control(SOC2, "CC7.2", "Monitoring for anomalies",
                    "System components are monitored for anomalies that indicate malicious acts, errors or failures.",
                    "Refused credentials, blocked statements and denied requests are recorded as they happen in a log whose integrity the report proves.",
                    List.of("auth_failures.total", "blocked.total", "approvals.outcome.denied", "integrity.events_proven"),
                    List.of("repeatedly_refused_masked_callers", "evidence_gaps", "commands_without_end")),
            new Control(SOC2, "CC7.3", "Evaluating security events",
                    "Security events are evaluated to determine whether they could or did cause a failure of objectives.",
                    "Held statements are evaluated by a person before they run, with the reason recorded; expiries, denials and break-glass decisions are listed for review.",
                    List.of("approvals.outcome.denied", "approvals.outcome.expired", "break_glass.total", "blocked.total"),
                    List.of("privileged_without_approval", "repeatedly_refused_masked_callers")),
            new Control(SOC2, "CC8.1", "Change management",
                    "Changes to infrastructure, data and software are authorised, documented and approved before they are implemented.",
                    "Schema and privilege changes are changes to the system: each is recorded with the approval that authorised it; policy changes are recorded by hash.",
                    List.of("privileged.total", "approvals.outcome.approved", "policy.accepted", "approvals.decided_by_people"),
                    List.of("privileged_without_approval", "own_group_approvals", "unsupported_approvals")),
            new Control(ISO2022, "5.15", "Access control",
                    "Rules to control access to information are established and implemented.",
                    "The policy file is the rule set: every version in force is recorded with its hash, and every decision made under it.",
                    List.of("policy.accepted", "blocked.total", "sessions.total"),
                    List.of("privileged_without_approval")),
            new Control(ISO2022, "5.16", "Identity management",
                    "The full life cycle of identities is managed.",
                    "Each session names its identity (issuer, subject, kind); service accounts and gateway tokens are created, exchanged and revoked as events.",
                    List.of("sessions.kind.human", "sessions.kind.service", "sessions.kind.agent", "identity_actions.total"),
                    List.of("departed_identities")),
            new Control(ISO2022, "5.17", "Authentication information",
                    "The allocation and management of authentication information is controlled.",
                    "Gateway tokens are short-lived, service-account keys are shown once and stored as hashes; refused credentials are recorded without the credential.",
                    List.of("auth_failures.total", "identity_actions.total"),
                    List.of("sessions_without_tls")),
            new Control(ISO2022, "5.18", "Access rights",
                    "Access rights are provisioned, reviewed, modified and removed according to policy.",
                    "Access to risky statements is granted per request (or per time-boxed grant) by an approver and recorded; the sessions by identity are the review list.",
                    List.of("approvals.requested", "approvals.granted_runs", "sessions.total"),
                    List.of("own_group_approvals", "unsupported_approvals", "departed_identities")),
            new Control(ISO2022, "8.2", "Privileged access rights",
                    "The allocation and use of privileged access rights is restricted and managed.",
                    "Every DDL, privilege and dangerous statement is listed with who ran it and the approval (or grant) it ran under.",
                    List.of("privileged.total", "approvals.outcome.approved", "break_glass.total"),
                    List.of("privileged_without_approval", "own_group_approvals", "unsupported_approvals")),
            new Control(ISO2022, "8.3", "Information access restriction",
                    "Access to information is restricted according to the access control policy.",
                    "Masking profiles decide what each caller sees of personal data; statements that would get around them are refused.",
                    List.of("masking.values", "blocked.total"),
                    List.of("repeatedly_refused_masked_callers")),
            new Control(ISO2022, "8.5", "Secure authentication",
                    "Secure authentication technologies and procedures are implemented.",
                    "Callers authenticate with OIDC tokens, gateway tokens or keys over TLS; refusals are recorded with their reason.",
                    List.of("auth_failures.total", "sessions.without_tls", "sessions.total"),
                    List.of("sessions_without_tls")),
            new Control(ISO2022, "8.11", "Data masking",
                    "Data is masked according to the access control policy and business requirements.",
                    "Each masking.applied event says which columns or fields and which entity types were masked, for the caller or only in the evidence.",
                    List.of("masking.values", "masking.events", "masking.fallbacks"),
                    List.of("repeatedly_refused_masked_callers")),
            new Control(ISO2022, "8.12", "Data leakage prevention",
                    "Data leakage prevention measures apply to systems that process sensitive information.",
                    "Personal data is masked before it leaves; computing from or copying protected columns is refused before it runs.",
                    List.of("masking.values", "blocked.total"),
                    List.of("repeatedly_refused_masked_callers")),
            new Control(ISO2022, "8.15", "Logging",
                    "Logs of activities, exceptions and faults are produced, stored, protected and analysed.",
                    "The evidence log is append-only and signed: the report proves each event's inclusion, lists checkpoints, gaps, restarts and retention.",
                    List.of("integrity.events_proven", "integrity.restarts", "integrity.policy_changes", "retention.removed"),
                    List.of("evidence_gaps", "commands_without_end")),
            new Control(ISO2022, "8.16", "Monitoring activities",
                    "Networks, systems and applications are monitored for anomalous behaviour.",
                    "Refused credentials, blocked statements and denied requests over time are in the pictures and populations.",
                    List.of("auth_failures.total", "blocked.total", "approvals.outcome.denied"),
                    List.of("repeatedly_refused_masked_callers", "evidence_gaps")),
            new Control(ISO2013, "A.9.2", "User access management",
                    "Registration, provisioning, privileged access rights, review and removal of user access are managed (A.9.2.1-A.9.2.6).",
                    "Sessions by identity are the access review list; privileged statements and their approvals show privileged access rights in use.",
                    List.of("sessions.total", "identity_actions.total", "privileged.total", "approvals.requested"),
                    List.of("own_group_approvals", "unsupported_approvals", "departed_identities", "privileged_without_approval")),
            new Control(ISO2013, "A.9.4", "System and application access control",
                    "Information access is restricted, log-on is secure and privileged utilities are controlled (A.9.4.1, A.9.4.2, A.9.4.4).",
                    "Masking and refusals restrict information access; failed authentications show log-on control; dangerous administration statements are the privileged utilities.",
                    List.of("masking.values", "blocked.total", "auth_failures.total", "privileged.class.dangerous_admin"),
                    List.of("privileged_without_approval", "repeatedly_refused_masked_callers")),
            new Control(ISO2013, "A.12.4", "Logging and monitoring",
                    "Events are logged, logs are protected, administrator actions are logged and clocks are synchronised (A.12.4.1-A.12.4.4).",
                    "The tamper-evident log with signed checkpoints protects the records; identity administration and policy changes are administrator logs; times are the gateway's UTC clock.",
                    List.of("integrity.events_proven", "integrity.restarts", "identity_actions.total", "integrity.policy_changes"),
                    List.of("evidence_gaps", "commands_without_end")),
            new Control(ISO2013, "A.13.2", "Information transfer",
                    "Information transferred within and outside the organisation is protected (A.13.2.1).",
                    "Results and HTTP bodies leave the gateway masked; connections are expected to use TLS.",
                    List.of("masking.values", "sessions.without_tls", "blocked.total"),
                    List.of("sessions_without_tls", "repeatedly_refused_masked_callers")));

    private ControlMapping() {}

    /**
     * The controls with copies of the figures they cite, looked up in the computed report by id;
     * a figure the report does not have (no approval decided yet, say) is left out.
     */
    static ArrayNode toJson(Map<String, JsonNode> figures, JsonNode exceptions) {
        ArrayNode controls = JsonNodeFactory.instance.arrayNode();
        for (Control control : CONTROLS) {
            ObjectNode json = controls.addObject();
            json.put("framework", control.framework());
            json.put("id", control.id());
            json.put("title", control.title());
            json.put("requirement", control.requirement());
            json.put("why", control.why());
            ArrayNode evidence = json.putArray("evidence");
            control.evidence().stream().filter(figures::containsKey).forEach(id -> evidence.add(figures.get(id).deepCopy()));
            ArrayNode followUps = json.putArray("exceptions");
            for (String key : control.exceptions()) {
                JsonNode exception = exceptions.path(key);
                ObjectNode item = followUps.addObject().put("exception", key);
                if (exception.path("count").isObject()) {
                    item.set("count", exception.path("count").deepCopy());
                } else {
                    item.put("note", exception.path("why").asText("not evaluated"));
                }
            }
        }
        return controls;
    }
}
