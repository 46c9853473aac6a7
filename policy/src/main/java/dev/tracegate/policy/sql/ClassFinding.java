package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the rules concluded about one statement's tokens, before tables and the parser are added. */
record ClassFinding(StatementClass statementClass, String command, List<String> reasons, Optional<String> prepares,
               Optional<String> executes) {

    /** Reasons kept besides those that raised the class (at most one per class). */
    static final int MAX_REASONS = 16;

    ClassFinding {
        reasons = List.copyOf(reasons);
    }

    static ClassFinding of(StatementClass statementClass, String command, String... reasons) {
        return new ClassFinding(statementClass, command, List.of(reasons), Optional.empty(), Optional.empty());
    }

    static ClassFinding unknown(String command, String reason) {
        return of(StatementClass.UNKNOWN, command, reason);
    }

    /**
     * Raises the class to at least {@code atLeast} and records why. A reason that raises the class
     * is always kept; others only while fewer than {@link #MAX_REASONS} are kept and not already
     * there, so that a statement with a hundred thousand function calls or sub-statements neither
     * grows its reasons without bound nor copies them quadratically.
     */
    ClassFinding escalate(StatementClass atLeast, String reason) {
        StatementClass raised = StatementClass.max(statementClass, atLeast);
        boolean raises = raised != statementClass;
        if (!raises && (reasons.size() >= MAX_REASONS || reasons.contains(reason))) {
            return this;
        }
        List<String> more = new ArrayList<>(reasons);
        more.add(reason);
        return new ClassFinding(raised, command, more, prepares, executes);
    }

    ClassFinding withReason(String reason) {
        return escalate(statementClass, reason);
    }

    ClassFinding withCommand(String newCommand) {
        return new ClassFinding(statementClass, newCommand, reasons, prepares, executes);
    }

    ClassFinding withPrepares(String name) {
        return new ClassFinding(statementClass, command, reasons, Optional.of(name), executes);
    }

    ClassFinding withExecutes(Optional<String> name) {
        return new ClassFinding(statementClass, command, reasons, prepares, name);
    }
}
