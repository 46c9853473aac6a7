package dev.tracegate.policy.shell;

import dev.tracegate.policy.sql.StatementClass;
import java.util.List;

/**
 * What a shell command line can do, for policy rules.
 *
 * @param statementClass the riskiest class among its commands
 * @param programs       the programs it runs, in order, as the classifier named them
 * @param reasons        why it got its class, for people; those that raised it to its class first
 * @param readings       each command it runs as the shell reads it, nested ones included (a wrapper's,
 *                       {@code sh -c}'s, {@code find -exec}'s, {@code xargs}'): quotes and escapes
 *                       removed, the program by its name ({@code '/bin/r'm -rf d} reads {@code rm -rf d}),
 *                       where blocking and holding rules look for their {@code command} pattern too
 * @param unnamed        why some program it runs has no name the line shows ({@code $X}, {@code ${X:-rm}},
 *                       {@code sh -c "$X"}, {@code eval $X}); empty when every program is named. A blocking
 *                       or holding {@code command} pattern cannot be shown not to match such a program
 * @param writes         the files it writes, as the line names them (absolute, or {@code ~/...} in the home
 *                       directory; {@code ..} kept, which the host resolves after the link before it), judged
 *                       as written: the host says where each is once its links are followed
 *                       ({@code cd /tmp/lnk && echo x > hosts} with {@code lnk -> /etc} writes {@code /etc/hosts})
 */
public record ShellClassification(StatementClass statementClass, List<String> programs, List<String> reasons,
                                  List<String> readings, List<String> unnamed, List<String> writes) {

    public ShellClassification {
        programs = List.copyOf(programs);
        reasons = List.copyOf(reasons);
        readings = List.copyOf(readings);
        unnamed = List.copyOf(unnamed);
        writes = List.copyOf(writes);
    }

    /** A classification that names no file it writes for the host to place. */
    public ShellClassification(StatementClass statementClass, List<String> programs, List<String> reasons,
                               List<String> readings, List<String> unnamed) {
        this(statementClass, programs, reasons, readings, unnamed, List.of());
    }

    /** A classification of a request that is no command line (a shell, a file operation, a forward). */
    public ShellClassification(StatementClass statementClass, List<String> programs, List<String> reasons) {
        this(statementClass, programs, reasons, List.of(), List.of());
    }
}
