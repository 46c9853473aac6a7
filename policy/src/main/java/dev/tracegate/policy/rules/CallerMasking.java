package dev.tracegate.policy.rules;

import dev.tracegate.masking.Masker;

/**
 * Which masking profile the caller's results pass through, and the rule that said so.
 *
 * @param rule    the first rule, in document order, that names a profile and applies to the caller
 * @param profile the profile's name under {@code masking.profiles}
 * @param masker  the compiled profile
 */
public record CallerMasking(String rule, String profile, Masker masker) {
}
