package dev.tracegate.policy.shell;

import dev.tracegate.policy.sql.StatementClass;
import java.util.List;

/**
 * What a shell command line can do, for policy rules.
 *
 * @param statementClass the riskiest class among its commands
 * @param programs       the programs it runs, in order, as the classifier named them
 * @param reasons        why it got its class, for people
 */
public record ShellClassification(StatementClass statementClass, List<String> programs, List<String> reasons) {

    public ShellClassification {
        programs = List.copyOf(programs);
        reasons = List.copyOf(reasons);
    }
}
