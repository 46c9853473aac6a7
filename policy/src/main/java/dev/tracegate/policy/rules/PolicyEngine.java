package dev.tracegate.policy.rules;

import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.SqlClassification;
import dev.tracegate.policy.sql.StatementClass;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides allow, approve or block for a command. Each statement is judged on its own; the
 * command gets the strongest verdict among its statements, so one bad statement in a
 * multi-statement string holds or blocks the whole string.
 */
public final class PolicyEngine {

    /** Stands for any method the gateway does not know when asking how one would be decided. */
    private static final String NOT_A_KNOWN_METHOD = "UNKNOWN-METHOD";

    private PolicyEngine() {
    }

    public static Decision decide(Policy policy, Subject subject, SqlClassification classification) {
        List<String> tables = classification.tables();
        StatementClass highest = classification.highestRisk();
        if (classification.isEmpty()) {
            Action action = policy.defaultFor(subject.connection());
            return new Decision(action, "default", "no statement", approvalFor(policy, action), highest, tables);
        }
        Decision strongest = null;
        for (ClassifiedStatement statement : classification.statements()) {
            Decision decision = decide(policy, subject, statement);
            if (strongest == null || decision.action().ordinal() > strongest.action().ordinal()) {
                strongest = decision;
            }
        }
        return new Decision(strongest.action(), strongest.rule(), strongest.reason(), strongest.approval(), highest, tables);
    }

    /**
     * Whether deciding {@code request} needs its JSON body: a rule that applies to the caller asks
     * about body fields and its other conditions hold. The caller then reads the body (within a
     * limit), and refuses the request when it is not JSON, since the rule cannot be decided.
     */
    public static boolean needsBody(Policy policy, Subject subject, HttpRequestFacts request) {
        return policy.rules().stream().anyMatch(rule -> rule.appliesTo(subject) && rule.needsBody(request));
    }

    /**
     * Whether a rule that applies to the caller blocks or holds by method, so that a
     * {@code _method} field in a form or JSON body (which frameworks take a POST for) must be read
     * to decide the request.
     */
    public static boolean weighsNamedMethods(Policy policy, Subject subject) {
        return policy.rules().stream().anyMatch(rule -> rule.appliesTo(subject) && rule.weighsNamedMethods());
    }

    /**
     * Whether a {@code _method} field in {@code request}'s form body must be read to decide it: a
     * rule weighs the method ({@link #weighsNamedMethods(Policy, Subject)}), or a method the
     * gateway does not know ({@code _method=PURGE}), high risk as it is in the query string, would
     * have the request blocked or held where as sent it is not.
     */
    public static boolean weighsNamedMethods(Policy policy, Subject subject, HttpRequestFacts request) {
        if (weighsNamedMethods(policy, subject)) {
            return true;
        }
        HttpRequestFacts namingUnknown = request.withMethodParameters(List.of(NOT_A_KNOWN_METHOD));
        return decide(policy, subject, namingUnknown).action().ordinal() > decide(policy, subject, request).action().ordinal();
    }

    /** Decides allow, approve or block for one HTTP request, with the same rules and defaults as SQL. */
    public static Decision decide(Policy policy, Subject subject, HttpRequestFacts request) {
        return decideRequest(policy, subject, request.statementClass(), rule -> rule.matches(request),
                request.requestLine(), "HTTP method " + request.method()
                        + " is not one the gateway knows, so it is treated as high risk");
    }

    /**
     * Decides allow, approve or block for one SSH request (a command line, a shell, a file
     * operation, a forwarding request), with the same rules and defaults as SQL: a request
     * classified unknown or dangerous_admin (forwarding among them) takes the high-risk default
     * unless a matching rule names its class.
     */
    public static Decision decide(Policy policy, Subject subject, SshRequestFacts request) {
        Decision decision = decideOne(policy, subject, request);
        for (SshRequestFacts implied : request.impliedFileOperations()) { // legacy scp: its files, as sftp's
            decision = stronger(decision, decideOne(policy, subject, implied));
        }
        return decision;
    }

    private static Decision decideOne(Policy policy, Subject subject, SshRequestFacts request) {
        List<String> reasons = request.classification().reasons();
        String why = reasons.isEmpty() ? "" : ": " + reasons.getFirst();
        String highRisk = (request.statementClass() == StatementClass.UNKNOWN
                ? "the request could not be classified and is treated as high risk"
                : "the request can change the machine itself or act as another user") + why;
        return decideRequest(policy, subject, request.statementClass(), rule -> rule.matches(request), request.text(),
                highRisk);
    }

    private static Decision decideRequest(Policy policy, Subject subject, StatementClass statementClass,
                                          Predicate<Rule> matches, String described, String highRiskReason) {
        Rule decisive = strongestRule(policy, subject, matches);
        Decision byRule = decisive == null ? null : new Decision(decisive.action(), decisive.name(),
                decisive.reason() != null ? decisive.reason() : described + " matched rule " + decisive.name(),
                decisive.approval(), statementClass, List.of());
        if (statementClass.isHighestRisk() && !namedByAMatchingRule(policy, subject, statementClass, matches)) {
            Action action = Action.strongest(policy.defaultFor(subject.connection()), policy.highRiskDefault());
            Decision highRisk = new Decision(action, "default:high-risk", highRiskReason, approvalFor(policy, action),
                    statementClass, List.of());
            return stronger(byRule, highRisk);
        }
        if (byRule != null) {
            return byRule;
        }
        Action action = policy.defaultFor(subject.connection());
        return new Decision(action, "default", "no rule matched", approvalFor(policy, action), statementClass, List.of());
    }

    /**
     * The masking profile for the caller's results: the first rule in document order that names
     * one and applies to the caller. Empty means the caller sees results in clear (recordings are
     * still masked, with {@link Policy#recordingMasker()}).
     */
    public static Optional<CallerMasking> masking(Policy policy, Subject subject) {
        for (Rule rule : policy.rules()) {
            if (rule.mask() != null && rule.appliesTo(subject)) {
                return Optional.of(new CallerMasking(rule.name(), rule.mask(), policy.maskingProfiles().get(rule.mask())));
            }
        }
        return Optional.empty();
    }

    /** Of the rules that apply to the caller and match, the one with the strongest action; null when none. */
    private static Rule strongestRule(Policy policy, Subject subject, Predicate<Rule> matches) {
        Rule decisive = null;
        for (Rule rule : policy.rules()) {
            if (rule.appliesTo(subject) && matches.test(rule)
                    && (decisive == null || rule.action().ordinal() > decisive.action().ordinal())) {
                decisive = rule;
            }
        }
        return decisive;
    }

    /**
     * One statement. A statement of the highest risk (UNKNOWN or DANGEROUS_ADMIN) is decided by
     * {@code defaults.highRisk} together with the matching rules, the stronger winning, unless a
     * matching rule names its class in {@code classes}: a rule that holds "at least DDL" or applies
     * to every statement of a group must not, by matching, turn "block" into "approve" or "allow"
     * for statements the classifier could not understand or found dangerous.
     */
    private static Decision decide(Policy policy, Subject subject, ClassifiedStatement statement) {
        StatementClass statementClass = statement.statementClass();
        Rule decisive = strongestRule(policy, subject, rule -> rule.matches(statement));
        Decision byRule = decisive == null ? null : new Decision(decisive.action(), decisive.name(),
                decisive.reason() != null ? decisive.reason()
                        : statementClass.name().toLowerCase() + " statement matched rule " + decisive.name(),
                decisive.approval(), statementClass, statement.tables());
        if (statementClass.isHighestRisk()
                && !namedByAMatchingRule(policy, subject, statementClass, rule -> rule.matches(statement))) {
            Action action = Action.strongest(policy.defaultFor(subject.connection()), policy.highRiskDefault());
            Decision highRisk = new Decision(action, "default:high-risk", highRiskReason(statement),
                    approvalFor(policy, action), statementClass, statement.tables());
            return stronger(byRule, highRisk);
        }
        if (byRule != null) {
            return byRule;
        }
        Action action = policy.defaultFor(subject.connection());
        return new Decision(action, "default", "no rule matched", approvalFor(policy, action), statementClass,
                statement.tables());
    }

    private static boolean namedByAMatchingRule(Policy policy, Subject subject, StatementClass statementClass,
                                                Predicate<Rule> matches) {
        return policy.rules().stream()
                .anyMatch(rule -> rule.appliesTo(subject) && matches.test(rule) && rule.namesClass(statementClass));
    }

    /** The rule's decision unless the high-risk default is stronger; on a tie the rule's (its approvers, its reason). */
    private static Decision stronger(Decision byRule, Decision highRisk) {
        return byRule == null || highRisk.action().ordinal() > byRule.action().ordinal() ? highRisk : byRule;
    }

    private static ApprovalSpec approvalFor(Policy policy, Action action) {
        return action == Action.APPROVE ? policy.defaultApproval() : null;
    }

    private static String highRiskReason(ClassifiedStatement statement) {
        String why = statement.reasons().isEmpty() ? "" : ": " + statement.reasons().getFirst();
        return (statement.statementClass() == StatementClass.UNKNOWN
                ? "the statement could not be classified and is treated as high risk"
                : "the statement reaches outside the database or changes identity") + why;
    }
}
