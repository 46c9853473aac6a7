package dev.tracegate.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Legacy scp ({@code scp -O}) sends its files inside an exec of {@code scp -t} or {@code scp -f};
 * the {@code files} rules written for sftp must hold for it too, whatever way the line is spelled.
 */
class LegacyScpRulesTest {

    private static final Policy POLICY = PolicyParser.parse("""
            defaults: {action: allow}
            rules:
              - {name: no-writes-to-etc, connections: [web], operations: [write, delete, rename], files: ["/etc/**"], action: block}
              - {name: no-reading-secrets, connections: [web], operations: [read], files: ["/srv/secrets/**"], action: block}
            """);
    private static final Subject ALICE = new Subject("web", "ssh", Set.of("developers"), "human");

    private static Decision decide(String line) {
        return PolicyEngine.decide(POLICY, ALICE, SshRequestFacts.exec(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scp -t /etc/cron.d/job", "scp -d -t /etc", "scp -r -p -t -- /etc/x", "scp -pt /etc/x",
            "scp -t /tmp/../etc/x", "/usr/bin/scp -t //etc/x", "env LC_ALL=C scp -t /etc/x", "nice scp -t /etc/x",
            "scp -v -t '/etc/x'", "scp -t /tmp/a /etc/x"})
    void aLegacyScpWriteUnderEtcIsRefusedByTheFilesRule(String line) {
        Decision decision = decide(line);
        assertThat(decision.action()).as(line).isEqualTo(Action.BLOCK);
        assertThat(decision.rule()).as(line).isEqualTo("no-writes-to-etc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scp -t /", "scp -r -t /tmp/../", "scp -d -t /etc/"})
    void aLegacyScpIntoADirectoryAboveAProtectedOneIsRefused(String line) {
        assertThat(decide(line).action()).as(line).isEqualTo(Action.BLOCK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scp -f /srv/secrets/key", "scp -pf /srv/secrets/../secrets/key", "scp -r -f /srv/secrets"})
    void aLegacyScpReadOfAProtectedPathIsRefusedByTheFilesRule(String line) {
        assertThat(decide(line).action()).as(line).isEqualTo(Action.BLOCK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scp -t etc/x", "scp -t ../../etc/x", "scp -t $HOME/../../etc/x", "scp -t /et*/x", "scp -t ."})
    void aLegacyScpPathTheRulesCannotPlaceIsHighRisk(String line) {
        Decision decision = decide(line);
        assertThat(decision.action()).as(line).isEqualTo(Action.BLOCK);
        assertThat(decision.reason()).as(line).contains("high risk");
    }

    /**
     * Into the home directory, the names legacy scp's protocol carries can be a shell's start-up file
     * ({@code scp -O .bashrc host:/home/deploy}) or, with {@code -r}, a {@code .ssh} tree: a write of
     * {@code /home/deploy/**} until 2026-12-06, which a policy without such a pattern allowed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scp -t /home/deploy", "scp -r -t /home/deploy/", "scp -pt /root", "scp -t -- /root/.",
            "nice scp -t /home/deploy"})
    void aLegacyScpIntoTheHomeDirectoryIsHighRisk(String line) {
        Decision decision = decide(line);
        assertThat(decision.action()).as(line).isEqualTo(Action.BLOCK);
        assertThat(decision.reason()).as(line).contains("high risk");
    }

    @Test
    void aLegacyScpPathIsAlsoJudgedWhereTheHostPlacesIt() {
        SshRequestFacts throughLink = SshRequestFacts.exec("scp -f /srv/alias/key").placedAt(List.of("/srv/secrets/key"));
        assertThat(throughLink.legacyScpPaths()).containsExactly("/srv/alias/key");
        assertThat(PolicyEngine.decide(POLICY, ALICE, throughLink).rule()).isEqualTo("no-reading-secrets");
        assertThat(PolicyEngine.decide(POLICY, ALICE, SshRequestFacts.exec("scp -t /srv/alias").placedAt(List.of("/etc")))
                .rule()).isEqualTo("no-writes-to-etc");
        assertThat(PolicyEngine.decide(POLICY, ALICE, SshRequestFacts.exec("scp -f /srv/alias/key")).action())
                .isEqualTo(Action.ALLOW);
        assertThat(SshRequestFacts.exec("ls /srv").legacyScpPaths()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"scp -f /srv/secrets", "scp -f /srv"})
    void aLegacyScpReadWithoutRecursionReadsThatFileOnly(String line) {
        assertThat(decide(line).action()).as(line).isEqualTo(Action.ALLOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scp -t /tmp/upload.bin", "scp -f /tmp/report.csv", "scp -r -t /tmp/uploads", "scp -f /srv/public", "ls -t /etc", "tar -tf /etc/x.tar"})
    void otherPathsAndOtherProgramsAreDecidedAsBefore(String line) {
        assertThat(decide(line).action()).as(line).isEqualTo(Action.ALLOW);
    }
}
