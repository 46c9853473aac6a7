package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rule that blocks or holds an SSH command by its {@code command} pattern holds for every
 * spelling the shell reads as that command: quoted, escaped, by its path, behind a wrapper, after
 * another command, nested in {@code sh -c}, run by {@code find -exec} or {@code xargs}.
 */
class ShellCommandRulesTest {

    private static final Policy POLICY = PolicyParser.parse("""
            defaults: {action: allow, highRisk: block}
            rules:
              - {name: no-rm, connections: [web], operations: [exec], command: '^rm\\s', action: block, reason: rm is not allowed}
              - {name: hold-curl, connections: [web], operations: [exec], command: '^curl\\b', action: approve, approvers: [ops]}
              - {name: ops-shells, connections: [web], classes: [unknown, dangerous_admin], groups: [ops], action: allow}
            """);
    private static final Subject ALICE = new Subject("web", "ssh", Set.of("developers"), "human");
    private static final Subject OPS = new Subject("web", "ssh", Set.of("ops"), "human");

    private static Decision decide(Subject subject, String line) {
        return PolicyEngine.decide(POLICY, subject, SshRequestFacts.exec(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rm notes.txt", "'r'm notes.txt", "\"rm\" notes.txt", "r\\m notes.txt", "\\rm notes.txt",
            "r''m notes.txt", "/bin/rm notes.txt", "/usr/bin/rm notes.txt", "command rm notes.txt", "env rm notes.txt",
            "env -i LC_ALL=C rm notes.txt", "nice -n 5 rm notes.txt", "timeout 5 rm notes.txt", "nohup rm notes.txt",
            "exec rm notes.txt", "LC_ALL=C rm notes.txt", "true; rm notes.txt", "ls && rm notes.txt",
            "ls || rm notes.txt", "echo notes.txt | xargs rm", "find . -name notes.txt -exec rm {} +",
            "sh -c 'rm notes.txt'", "bash -c \"r\\m notes.txt\"", "rm\tnotes.txt", "ls\nrm notes.txt",
            "stdbuf -oL rm notes.txt", "time rm notes.txt", "ls & rm notes.txt", "busybox rm notes.txt",
            "/bin/busybox 'rm' notes.txt", "echo notes.txt | xargs -0 nice rm", "ls | sh -c 'nice -n 1 /bin/rm notes.txt'",
            "/bin/../bin/rm notes.txt", "//bin/rm notes.txt", "/usr/bin/./rm notes.txt", "./rm notes.txt",
            "xargs --replace rm notes.txt < list", "xargs --max-lines rm < list", "xargs --eof rm < list",
            "sudo rm notes.txt", "sudo -u root /bin/rm notes.txt", "doas -u deploy rm notes.txt", "su -c 'rm notes.txt' deploy",
            "su deploy -c \"nice rm notes.txt\"", "eval rm notes.txt", "eval 'r''m notes.txt'", "eval \"ls; rm notes.txt\""})
    void aBlockedCommandIsBlockedInEverySpellingTheShellReadsAsIt(String line) {
        for (Subject subject : new Subject[] {ALICE, OPS}) {
            Decision decision = decide(subject, line);
            assertThat(decision.action()).as(line).isEqualTo(Action.BLOCK);
            assertThat(decision.rule()).as(line).isIn("no-rm", "default:high-risk");
        }
    }

    /**
     * A group allowed {@code unknown} (and {@code dangerous_admin}) still may not run a blocked
     * program: not through a wrapper outside the classifier's table, an option that names a
     * program, nor a program named by an expansion, which may be the blocked one. Until 2026-12-07
     * each of these ran for ops where {@code rm} was blocked.
     */
    @ParameterizedTest
    @ValueSource(strings = {"X=rm; $X notes.txt", "${X:-rm} notes.txt", "A=r; \"${A}m\" notes.txt", "$(printf rm) notes.txt",
            "sh -c \"$X\"", "eval $X", "su -c \"$X\" deploy",
            "setsid rm notes.txt", "setsid -f rm notes.txt", "taskset 1 rm notes.txt", "taskset -c 0 rm notes.txt",
            "chrt -f 10 rm notes.txt", "chrt 10 rm notes.txt", "flock /tmp/l rm notes.txt", "flock -c 'rm notes.txt' /tmp/l",
            "ionice -c 3 rm notes.txt", "watch rm notes.txt", "watch -n 1 'rm notes.txt'", "parallel rm ::: notes.txt",
            "parallel ::: 'rm notes.txt'", "split -n l/2 --filter='rm notes.txt' f", "split --filter 'rm notes.txt' f",
            "ip netns exec ns rm notes.txt", "ip -all netns exec rm notes.txt", "nsenter -t 1 -m rm notes.txt",
            "nsenter -t 1 -m bash -lc 'rm notes.txt'", "unshare -r rm notes.txt", "chroot / rm notes.txt",
            "systemd-run rm notes.txt", "stdbuf -o 0 rm notes.txt", "rsync -e 'rm notes.txt' a b:c",
            "sudo \"$X\" notes.txt", "taskset 1 \"$X\" notes.txt", "watch -n 1 \"$X notes.txt\"",
            "shopt -s expand_aliases\nalias x=rm\nx notes.txt", "hash -p /bin/rm x; x notes.txt",
            "PAGER='rm notes.txt' git -p log", "LESSOPEN='|rm notes.txt' less x", "GIT_SSH_COMMAND='rm notes.txt' git fetch",
            "export PATH=/tmp/bin:$PATH; ls", "read PS4 < f; set -x; ls"})
    void aGroupAllowedUnknownRunsNoBlockedProgramThroughAWrapperOrAnExpansion(String line) {
        Decision decision = decide(OPS, line);
        assertThat(decision.action()).as(line).isEqualTo(Action.BLOCK);
        assertThat(decision.rule()).as(line).isIn("no-rm", "default:high-risk");
    }

    /** A legacy scp line the host cannot place is unknown, and still refused for the blocked program it runs. */
    @Test
    void aLineTheHostCannotPlaceKeepsItsCommandsForBlockingRules() {
        SshRequestFacts unplaced = SshRequestFacts.exec("true; rm notes.txt; scp -t /srv/in").unplaceable("not placed");
        assertThat(PolicyEngine.decide(POLICY, OPS, unplaced).action()).isEqualTo(Action.BLOCK);
    }

    @Test
    void aBlockedProgramPastManyWordsIsNotLost() {
        String line = "taskset " + "1 ".repeat(100) + "rm notes.txt";
        assertThat(decide(OPS, line).action()).isEqualTo(Action.BLOCK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"taskset 1 ls", "watch ls", "flock /tmp/l ls", "X=ls; echo $X", "setsid ls",
            "nsenter -t 1 -m ls", "ip netns exec ns ls"})
    void aGroupAllowedUnknownStillRunsWhatNoRuleBlocks(String line) {
        assertThat(decide(OPS, line).action()).as(line).isEqualTo(Action.ALLOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"curl https://example.com", "'curl' https://example.com", "c\\url https://example.com",
            "/usr/bin/curl https://example.com", "env curl https://example.com", "ls; curl https://example.com"})
    void aHeldCommandIsHeldInEverySpelling(String line) {
        assertThat(decide(ALICE, line).action()).as(line).isEqualTo(Action.APPROVE);
    }

    @Test
    void anAllowRuleStillNeedsTheTextAsWritten() {
        assertThat(decide(ALICE, "ls -l notes.txt").action()).isEqualTo(Action.ALLOW);
        assertThat(decide(ALICE, "echo rm notes.txt").action()).isEqualTo(Action.ALLOW);
        assertThat(decide(ALICE, "grep 'rm ' notes.txt").action()).isEqualTo(Action.ALLOW);
        assertThat(decide(ALICE, "echo eval rm notes.txt").action()).isEqualTo(Action.ALLOW);
    }
}
