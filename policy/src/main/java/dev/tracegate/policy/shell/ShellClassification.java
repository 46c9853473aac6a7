package dev.tracegate.policy.shell;

import dev.tracegate.policy.sql.StatementClass;
import java.util.List;

/**
 * What a shell command line can do, for policy rules.
 *
 * @param statementClass the riskiest class among its commands
 * @param programs       the programs it runs, in order, as the classifier named them
 * @param reasons        why it got its class, for people
 * @param readings       each command it runs as the shell reads it, nested ones included (a wrapper's,
 *                       {@code sh -c}'s, {@code find -exec}'s, {@code xargs}'): quotes and escapes
 *                       removed, the program by its name ({@code '/bin/r'm -rf d} reads {@code rm -rf d}),
 *                       where blocking and holding rules look for their {@code command} pattern too
 */
public record ShellClassification(StatementClass statementClass, List<String> programs, List<String> reasons,
                                  List<String> readings) {

    public ShellClassification {
        programs = List.copyOf(programs);
        reasons = List.copyOf(reasons);
        readings = List.copyOf(readings);
    }

    /** A classification of a request that is no command line (a shell, a file operation, a forward). */
    public ShellClassification(StatementClass statementClass, List<String> programs, List<String> reasons) {
        this(statementClass, programs, reasons, List.of());
    }
}
