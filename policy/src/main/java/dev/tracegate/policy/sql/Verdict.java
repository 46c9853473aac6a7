package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the rules concluded about one statement's tokens, before tables and the parser are added. */
record Verdict(StatementClass statementClass, String command, List<String> reasons, Optional<String> prepares,
               Optional<String> executes) {

    Verdict {
        reasons = List.copyOf(reasons);
    }

    static Verdict of(StatementClass statementClass, String command, String... reasons) {
        return new Verdict(statementClass, command, List.of(reasons), Optional.empty(), Optional.empty());
    }

    static Verdict unknown(String command, String reason) {
        return of(StatementClass.UNKNOWN, command, reason);
    }

    /** Raises the class to at least {@code atLeast} and records why. */
    Verdict escalate(StatementClass atLeast, String reason) {
        List<String> more = new ArrayList<>(reasons);
        more.add(reason);
        return new Verdict(StatementClass.max(statementClass, atLeast), command, more, prepares, executes);
    }

    Verdict withReason(String reason) {
        return escalate(statementClass, reason);
    }

    Verdict withCommand(String newCommand) {
        return new Verdict(statementClass, newCommand, reasons, prepares, executes);
    }

    Verdict withPrepares(String name) {
        return new Verdict(statementClass, command, reasons, Optional.of(name), executes);
    }

    Verdict withExecutes(Optional<String> name) {
        return new Verdict(statementClass, command, reasons, prepares, name);
    }
}
