package dev.tracegate.policy.rules;

import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import java.util.List;
import java.util.Map;

/**
 * A whole policy: the rules, and what happens when none matches.
 *
 * @param rules              in document order (order does not change the outcome: the strongest action wins)
 * @param defaultAction      when no rule matches a statement
 * @param connectionDefaults per-connection replacement for {@code defaultAction}
 * @param highRiskDefault    when no rule matches a statement the classifier could not understand
 *                           (UNKNOWN) or found dangerous (DANGEROUS_ADMIN); never weaker than approve
 * @param defaultApproval    who approves when a default (not a rule) says approve
 * @param hash               SHA-256 of the policy document, recorded in {@code policy.changed} events
 * @param maskingProfiles    compiled masking profiles by name, for rules' {@code mask}
 * @param recordingMasker    masks the result data kept as evidence when the caller's own results are
 *                           not masked: recordings never hold what a profile would mask
 * @param passUnmaskable     whether bodies of content types the masker cannot read (images, archives,
 *                           multipart) pass to and from masked callers unmasked; by default they are refused
 * @param maskTerminal       whether SSH exec and shell output goes through masking (the caller's profile for
 *                           masked callers, {@code recordingMasker} for what the recording keeps of the others')
 */
public record Policy(List<Rule> rules, Action defaultAction, Map<String, Action> connectionDefaults,
                     Action highRiskDefault, ApprovalSpec defaultApproval, String hash,
                     Map<String, Masker> maskingProfiles, Masker recordingMasker, boolean passUnmaskable,
                     boolean maskTerminal) {

    public Policy {
        rules = List.copyOf(rules);
        defaultAction = defaultAction == null ? Action.ALLOW : defaultAction;
        connectionDefaults = connectionDefaults == null ? Map.of() : Map.copyOf(connectionDefaults);
        highRiskDefault = highRiskDefault == null ? Action.BLOCK : highRiskDefault;
        if (highRiskDefault == Action.ALLOW) {
            throw new PolicyException("defaults.highRisk cannot be allow: statements the gateway cannot classify are"
                    + " high risk; allow them with an explicit rule instead");
        }
        boolean defaultsApprove = defaultAction == Action.APPROVE || highRiskDefault == Action.APPROVE
                || connectionDefaults.containsValue(Action.APPROVE);
        if (defaultsApprove && defaultApproval == null) {
            throw new PolicyException("a default of approve needs defaults.approvers");
        }
        maskingProfiles = maskingProfiles == null ? Map.of() : Map.copyOf(maskingProfiles);
        recordingMasker = recordingMasker == null ? DefaultRecording.MASKER : recordingMasker;
        for (Rule rule : rules) {
            if (rule.mask() != null && !maskingProfiles.containsKey(rule.mask())) {
                throw new PolicyException("rule " + rule.name() + ": masking profile '" + rule.mask()
                        + "' is not defined under masking.profiles");
            }
        }
        long names = rules.stream().map(Rule::name).distinct().count();
        if (names != rules.size()) {
            throw new PolicyException("rule names must be unique");
        }
    }

    /** The policy in force when none is configured: everything allowed except what cannot be classified. */
    public static Policy permissive() {
        return new Policy(List.of(), Action.ALLOW, Map.of(), Action.BLOCK, null, "none", Map.of(), null, false, true);
    }

    Action defaultFor(String connection) {
        return connectionDefaults.getOrDefault(connection, defaultAction);
    }

    /** Every detector and hint, redact; built on first use (the phone metadata takes a moment to load). */
    private static final class DefaultRecording {
        static final Masker MASKER = new Masker(MaskingProfile.defaults());
    }
}
