package dev.tracegate.policy.rules;

/** A policy document is invalid; the message says where and why. */
public class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }
}
