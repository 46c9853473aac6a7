package dev.tracegate.gateway.ssh;

import dev.tracegate.policy.rules.SshOperation;
import dev.tracegate.policy.rules.SshRequestFacts;

/**
 * What reaches the host once a held SSH request is approved and is in no request approvers are
 * shown: it streams after their decision and has no end to show. Approvers are told, as they are
 * of the rows of a held {@code COPY FROM STDIN} (docs/ssh.md, "Approvals"), so that no one approves a
 * shell, an upload or a tunnel believing they saw what it carries.
 */
enum UnseenInput {
    NONE(null),
    /** An exec request's standard input ({@code ssh host sh < script}, legacy {@code scp -t}'s files). */
    STANDARD_INPUT("with whatever the client sends on its standard input, which approvers are not shown:"
            + " approving this approves that input too"),
    /** An interactive shell: the commands typed in it are recorded, and no rule decides them. */
    TYPED_COMMANDS("then whatever the caller types in the shell runs, which approvers are not shown and no rule"
            + " decides: approving this approves every command typed in it until it closes"),
    /** An sftp file opened for writing: its contents come in the writes that follow. */
    FILE_CONTENTS("then the client sends the file's contents, which approvers are not shown: approving this"
            + " approves whatever it writes to the file"),
    /** A forwarded connection: another protocol's bytes, both ways. */
    CONNECTION_TRAFFIC("then the connection carries whatever the caller and the target send each other, which"
            + " approvers are not shown: approving this approves that traffic");

    private final String note;

    UnseenInput(String note) {
        this.note = note;
    }

    /**
     * What follows a request of this kind unseen; an sftp write says for itself whether it opens a
     * file ({@link #FILE_CONTENTS}) or only names one (a directory made, attributes set: nothing follows).
     */
    static UnseenInput of(SshRequestFacts facts) {
        return switch (facts.operation()) {
            case EXEC -> STANDARD_INPUT;
            case SHELL -> TYPED_COMMANDS;
            case PORT_FORWARDING -> CONNECTION_TRAFFIC;
            case READ, WRITE, DELETE, RENAME, AGENT_FORWARDING, X11_FORWARDING, ENV -> NONE;
        };
    }

    /** The text approvers decide on: the request's, then a line saying what follows it unseen. */
    String shown(String text) {
        return note == null ? text : text + "\n-- " + note;
    }
}
