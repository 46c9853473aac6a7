package dev.tracegate.policy.rules;

/** What the gateway does with a command. Stronger actions win: block beats approve beats allow. */
public enum Action {
    ALLOW, APPROVE, BLOCK;

    public static Action strongest(Action a, Action b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
