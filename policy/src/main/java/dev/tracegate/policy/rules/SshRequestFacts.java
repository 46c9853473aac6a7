package dev.tracegate.policy.rules;

import dev.tracegate.policy.shell.LegacyScpCommand;
import dev.tracegate.policy.shell.ShellClassification;
import dev.tracegate.policy.shell.ShellCommandClassifier;
import dev.tracegate.policy.sql.StatementClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the policy sees of one SSH request: the operation, the text a rule's {@code command}
 * pattern is matched against (and the evidence records), the paths of a file operation, and the
 * class the conservative classifiers gave it.
 *
 * @param operation      what is asked
 * @param text           the command line; {@code shell}; {@code write /etc/hosts};
 *                       {@code rename /a /b}; {@code port-forwarding db:5432}
 * @param paths          the file operation's paths (absolute), for {@code files} patterns; for an exec
 *                       of legacy scp, where its paths are on the host once their links are followed
 *                       ({@link #placedAt}); empty otherwise
 * @param trees          directories (absolute) the operation may reach anywhere below, by names the
 *                       gateway does not see (legacy scp into a directory); a {@code files} pattern
 *                       matches one when it matches the directory or could match a path under it
 * @param classification its class, the programs it runs and why
 * @param typed          a line typed in an interactive shell, rather than an {@code exec} request
 */
public record SshRequestFacts(SshOperation operation, String text, List<String> paths, List<String> trees,
                              ShellClassification classification, boolean typed) {

    public SshRequestFacts {
        paths = List.copyOf(paths);
        trees = List.copyOf(trees);
    }

    /** An {@code exec} request: the command line runs in the upstream account's home directory. */
    public static SshRequestFacts exec(String line) {
        return new SshRequestFacts(SshOperation.EXEC, line, List.of(), List.of(), ShellCommandClassifier.classify(line), false);
    }

    /**
     * The same request run with a terminal (the caller asked for a PTY): an exec request is
     * classified again for it ({@link ShellCommandClassifier#classifyInTerminal}), since a pager or
     * {@code top} then reads keystrokes that run commands; other requests are unchanged.
     */
    public SshRequestFacts inTerminal() {
        if (operation != SshOperation.EXEC || typed) {
            return this;
        }
        return new SshRequestFacts(operation, text, paths, trees, ShellCommandClassifier.classifyInTerminal(text), false);
    }

    /** A line typed in an interactive shell, as the gateway reconstructed it. */
    public static SshRequestFacts typed(String line) {
        return new SshRequestFacts(SshOperation.EXEC, line, List.of(), List.of(), ShellCommandClassifier.classifyTyped(line), true);
    }

    /** A line typed in a shell that the gateway could not reconstruct for sure (history, completion, editing keys). */
    public static SshRequestFacts untraceable(String line, String why) {
        return new SshRequestFacts(SshOperation.EXEC, line, List.of(), List.of(), new ShellClassification(StatementClass.UNKNOWN,
                List.of(), List.of("the typed line cannot be known for sure: " + why)), true);
    }

    /** An interactive shell: whatever is typed in it runs, so it is as risky as the worst command. */
    public static SshRequestFacts shell() {
        return new SshRequestFacts(SshOperation.SHELL, "shell", List.of(), List.of(), new ShellClassification(StatementClass.UNKNOWN,
                List.of(), List.of("an interactive shell runs whatever is typed in it")), false);
    }

    /**
     * The start of an sftp session, for the record of one refused before its first file operation
     * (each file operation is decided on its own).
     */
    public static SshRequestFacts sftpSession() {
        return new SshRequestFacts(SshOperation.READ, "sftp", List.of(), List.of(), new ShellClassification(StatementClass.READ,
                List.of(), List.of("starts an sftp session")), false);
    }

    /**
     * A subsystem other than sftp ({@code ssh -s host netconf}): the host runs whatever program its
     * sshd names for it, unseen by the gateway, so it is refused whatever the policy says; decided
     * only so the record names the rule that would have, as for the forwarding the gateway does not relay.
     */
    public static SshRequestFacts subsystem(String name) {
        return new SshRequestFacts(SshOperation.EXEC, "subsystem " + name, List.of(), List.of(),
                new ShellClassification(StatementClass.UNKNOWN, List.of(), List.of("the subsystem " + name
                        + " runs a program the host's sshd names for it")), false);
    }

    /** A file operation of sftp or scp on absolute {@code paths} (two for a rename). */
    public static SshRequestFacts file(SshOperation operation, List<String> paths) {
        ShellClassification classification = operation == SshOperation.READ
                ? new ShellClassification(StatementClass.READ, List.of(), List.of("reads files"))
                : ShellCommandClassifier.fileChange(paths, operation.configName());
        return new SshRequestFacts(operation, operation.configName() + " " + String.join(" ", paths), paths, List.of(),
                classification, false);
    }

    /** A forwarding request: it reaches past the host, so it is off unless a rule names its class. */
    public static SshRequestFacts forwarding(SshOperation operation, String target) {
        return new SshRequestFacts(operation, operation.configName() + (target == null ? "" : " " + target), List.of(),
                List.of(), new ShellClassification(StatementClass.DANGEROUS_ADMIN, List.of(),
                        List.of(operation.configName() + " reaches past the host")), false);
    }

    /**
     * An environment variable the client asked to set for a channel ({@code env NAME=VALUE}). The
     * gateway does not pass it on, so it changes nothing on the host: it is recorded, and decided so
     * that a rule can refuse a channel whose client asks for it ({@code LD_PRELOAD}, {@code BASH_ENV}).
     */
    public static SshRequestFacts environment(String name, String value) {
        return new SshRequestFacts(SshOperation.ENV, "env " + name + "=" + value, List.of(), List.of(),
                new ShellClassification(StatementClass.SESSION, List.of(),
                        List.of("asks to set " + name + ", which the gateway does not pass on to the host")), false);
    }

    /**
     * The file operations a command line performs through the legacy scp protocol
     * ({@link LegacyScpCommand}), each decided as an sftp request on the same path would be; a
     * path that cannot be placed is an operation the gateway cannot classify. Empty for anything
     * but a command line that runs {@code scp -t} or {@code scp -f}.
     */
    public List<SshRequestFacts> impliedFileOperations() {
        if (operation != SshOperation.EXEC) {
            return List.of();
        }
        return LegacyScpCommand.read(text).map(this::fileOperations).orElse(List.of());
    }

    /** The absolute paths a legacy scp line names ({@code scp -t PATH}, {@code scp -f PATH}); empty for any other request. */
    public List<String> legacyScpPaths() {
        return operation == SshOperation.EXEC ? LegacyScpCommand.read(text).map(LegacyScpCommand::paths).orElse(List.of())
                : List.of();
    }

    /**
     * The same legacy scp line, whose paths are also at {@code places} on the host once their links
     * are followed: each place is judged as the path as written is ({@code scp -f ~/alias/x} with
     * {@code alias -> /srv/protected} reads {@code /srv/protected/x}).
     */
    public SshRequestFacts placedAt(List<String> places) {
        return new SshRequestFacts(operation, text, places, trees, classification, typed);
    }

    /** The files an exec line writes, as it names them (absolute, or {@code ~/...}), for the host to place; empty otherwise. */
    public List<String> writtenPaths() {
        return operation == SshOperation.EXEC && !typed ? classification.writes() : List.of();
    }

    /**
     * The same exec line, whose writes land at {@code places} on the host once their links are
     * followed (a written path to where it is; a path that is where it reads is left out): each place
     * is judged as a write named there would be, and the riskier reading wins. {@code cd /tmp/lnk &&
     * echo x > hosts}, {@code lnk} a link to {@code /etc}, writes {@code /etc/hosts}: a privilege
     * change, where until 2026-12-07 it was judged a write of {@code /tmp/lnk/hosts}.
     */
    public SshRequestFacts writesPlacedAt(Map<String, String> places) {
        StatementClass raised = classification.statementClass();
        Map<String, ShellClassification> judged = new LinkedHashMap<>();
        for (Map.Entry<String, String> place : places.entrySet()) {
            ShellClassification there = ShellCommandClassifier.fileChange(List.of(place.getValue()), "a write through a link");
            judged.put(place.getKey(), there);
            raised = StatementClass.max(raised, there.statementClass());
        }
        StatementClass highest = raised;
        List<String> decisive = judged.entrySet().stream()
                .filter(j -> highest != classification.statementClass() && j.getValue().statementClass() == highest)
                .map(j -> j.getKey() + " is " + places.get(j.getKey()) + " on the host once its links are followed: "
                        + String.join(", ", j.getValue().reasons()))
                .toList();
        if (decisive.isEmpty()) {
            return this;
        }
        List<String> reasons = new ArrayList<>(decisive);
        reasons.addAll(classification.reasons());
        return new SshRequestFacts(operation, text, paths, trees, new ShellClassification(raised, classification.programs(),
                reasons, classification.readings(), classification.unnamed(), classification.writes()), typed);
    }

    /**
     * The same request, classified unknown: where it acts cannot be known ({@code why}). Its
     * commands as the shell reads them stay, for blocking and holding rules' patterns: until
     * 2026-12-07 they were dropped, and {@code rm f; scp -t /no/such/dir} ran {@code rm} where it
     * was blocked by name and unknown allowed.
     */
    public SshRequestFacts unplaceable(String why) {
        return new SshRequestFacts(operation, text, paths, trees, new ShellClassification(StatementClass.UNKNOWN,
                classification.programs(), List.of(why), classification.readings(), classification.unnamed()), typed);
    }

    private List<SshRequestFacts> fileOperations(LegacyScpCommand scp) {
        List<SshRequestFacts> operations = new ArrayList<>();
        List<String> placed = new ArrayList<>(scp.paths());
        paths.stream().filter(place -> !placed.contains(place)).forEach(placed::add);
        for (String path : placed) {
            if (scp.receives()) { // into a directory, by names the gateway does not see
                operations.add(file(SshOperation.WRITE, List.of(path)).reachingBelow());
            }
            if (scp.sends()) { // without -r, scp sends a regular file only
                SshRequestFacts read = file(SshOperation.READ, List.of(path));
                operations.add(scp.recursive() ? read.reachingBelow() : read);
            }
        }
        for (String word : scp.unplaceable()) {
            operations.add(new SshRequestFacts(scp.receives() ? SshOperation.WRITE : SshOperation.READ,
                    (scp.receives() ? "write " : "read ") + word, List.of(), List.of(), new ShellClassification(StatementClass.UNKNOWN,
                    List.of("scp"), List.of("legacy scp names " + word + ", which is not an absolute path the file rules"
                            + " can be matched against (use sftp, or an absolute path)")), false));
        }
        return operations;
    }

    /**
     * The same operation, reaching anything below its paths too: legacy scp names files inside
     * its own protocol ({@code -t DIR}, {@code -r}), where the gateway does not see them.
     */
    private SshRequestFacts reachingBelow() {
        return new SshRequestFacts(operation, text, paths, paths, classification, typed);
    }

    public StatementClass statementClass() {
        return classification.statementClass();
    }
}
