package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.TestTarget;
import dev.tracegate.gateway.config.SecretReference;
import dev.tracegate.gateway.config.SshConnectionConfig;
import dev.tracegate.gateway.mysql.TestMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A masked caller runs psql and the MariaDB client on the host through the SSH gateway and prints a
 * result whose row splits a value across its columns (an address cut at its {@code @}, a card's
 * groups) in each format the clients print: records a field a line (psql's {@code -x}, MariaDB's
 * {@code --vertical}, {@code --xml}, {@code --html}), a wrapped value over lines, CSV, a field
 * separator of the caller's choosing. Until 2026-12-06 the terminal masker read a line at a time and
 * only lines with bars or tabs as rows, so every one of these reached the caller in clear.
 */
class PrintedResultsOverSshTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                pii: {detect: [email, card, secret]}
            rules:
              - {name: mask-agents, connections: [web], kinds: [agent], mask: pii}
              - {name: database-clients, connections: [web], operations: [exec], command: '^(psql|mariadb) ',
                 classes: [unknown, dangerous_admin], action: allow}
            """;
    /** What no masked caller may see of the split values, in any piece. */
    private static final List<String> PIECES = List.of("ada.lov", "lace@", "example.com", "4111 1111", "1111 1111");

    @TempDir
    static Path dir;
    private static TestSshHost host;
    private static TestGateway gateway;
    private static OpenSshClient client;

    @BeforeAll
    static void start() throws Exception {
        host = TestSshHost.start(Files.createDirectories(dir.resolve("host")));
        SecretReference key = SecretReference.of("file:" + host.heldKey());
        gateway = TestGateway.start(List.of(
                new SshConnectionConfig("web", "127.0.0.1", host.port(), TestSshHost.user(), key, null, host.hostKey())), POLICY);
        client = new OpenSshClient(Files.createDirectories(dir.resolve("client")), gateway.gateway().sshPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void psqlsPrintedFormatsOfARowThatSplitsValuesAreMaskedInEveryPiece() throws Exception {
        Path query = Files.writeString(dir.resolve("split.sql"), "SELECT 1 AS id, 'ada.lovelace@' AS local,"
                + " 'example.com' AS domain, '4111 1111' AS card_start, '1111 1111' AS card_end,"
                + " E'ada.lovelace@\\nexample.com' AS note, 'ada.lovelace@example.com and 4111 1111 1111 1111' AS memo;\n");
        String psql = "psql -X -h 127.0.0.1 -p " + TestTarget.port() + " -U postgres -d postgres -f " + query + " ";
        List<String> formats = List.of("-x", "-x -P linestyle=unicode", "-P format=wrapped -P columns=40",
                "-P format=wrapped -P columns=40 -P linestyle=unicode", "--csv", "--html", "-A -F ';'", "-P border=0",
                "-P border=2", "-x -P format=wrapped -P columns=30", "-A -x", "-t -x", "--csv -x");
        for (String format : formats) {
            var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", psql + format);
            assertThat(clear.exit()).as(clear.err()).isZero();
            assertThat(clear.out()).as(format).contains("ada.lov", "1111");
            var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", psql + format);
            assertThat(masked.exit()).as(masked.err()).isZero();
            assertThat(masked.out()).as(format).contains("[EMAIL]", "[CARD]").doesNotContain(PIECES);
        }
    }

    /**
     * Unaligned output with a field separator the caller chose that is no bar, tab, comma or
     * semicolon: until 2026-12-07 such a line was read as one cell and the address's and card's
     * pieces reached the caller in clear.
     */
    /**
     * An address a line break cuts inside its domain, as psql prints a value holding one (aligned with its {@code +}
     * mark, expanded, wrapped) and as a program prints it over two writes: until 2026-12-07 each half reached the
     * masked caller's terminal in clear. Each half is masked.
     */
    @Test
    void anAddressCutInItsDomainByALineBreakIsMaskedInPsqlsFormatsAndAcrossWrites() throws Exception {
        Path query = Files.writeString(dir.resolve("line-broken.sql"), "SELECT 1 AS id, E'ada.lovelace@examp\\nle.com' AS note;\n");
        String psql = "psql -X -h 127.0.0.1 -p " + TestTarget.port() + " -U postgres -d postgres -f " + query + " ";
        for (String format : List.of("", "-x", "-P format=wrapped -P columns=20", "-P linestyle=unicode", "--csv")) {
            var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", psql + format);
            assertThat(clear.exit()).as(clear.err()).isZero();
            assertThat(clear.out()).as(format).contains("ada.lovelace@", "examp", "le.com");
            var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", psql + format);
            assertThat(masked.exit()).as(masked.err()).isZero();
            assertThat(masked.out()).as(format).contains("[EMAIL]").doesNotContain("ada.lov", "lace@", "examp", "le.com");
        }
        String printed = "printf 'contact: ada.lovelace@exam\\n'; printf 'ple.com\\n'";
        assertThat(client.ssh(TestGateway.ALICE_TOKEN, "web", "", printed).out()).contains("ada.lovelace@exam\nple.com");
        assertThat(client.ssh(TestGateway.AGENT_TOKEN, "web", "", printed).out()).isEqualTo("contact: [EMAIL]\n[EMAIL]\n");
    }

    /**
     * A program prints a card or an address over two lines with a pause between them, longer than the terminal's
     * quiet moment: a card cut inside a group ({@code 4111 11}, then {@code 11 1111 1111}), a card a group a line, an
     * address cut in its local part ({@code ada.love}, then {@code lace@example.com}) and one cut in its domain
     * ({@code ada.lovelace@exam}, then {@code ple.com}), also with the line break written as an escape ({@code \n}, as
     * COPY's text format prints one). Until 2026-12-07 the first line left at the quiet moment
     * and reached the masked caller in clear. Each piece is masked.
     */
    @Test
    void aValueCutByALineBreakAndAPauseIsMaskedInEachPiece() throws Exception {
        List<String> scripts = List.of("printf 'card 4111 11\\n'; sleep 1; printf '11 1111 1111\\n'",
                "echo 4111; sleep 0.3; echo 1111; sleep 0.3; echo 1111; sleep 0.3; echo 1111; echo done",
                "printf 'mail ada.love\\n'; sleep 1; printf 'lace@example.com\\n'",
                "printf 'mail ada.lovelace@exam\\n'; sleep 1; printf 'ple.com\\n'",
                "printf 'card 4111 11\\\\n'; sleep 1; printf '11 1111 1111\\n'");
        for (String script : scripts) {
            var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", script);
            assertThat(clear.out()).as(script).containsAnyOf("4111 11\n11 1111", "4111 11\\n11 1111", "4111\n1111\n", "ada.love\nlace@", "exam\nple");
            var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", script);
            assertThat(masked.exit()).as(masked.err()).isZero();
            assertThat(masked.out()).as(script).doesNotContain("4111", "1111", "ada.lov", "lace@", "exam", "ple.com");
        }
    }

    @Test
    void psqlsUnalignedOutputWithAChosenSeparatorIsReadAsCells() throws Exception {
        Path query = Files.writeString(dir.resolve("split-unaligned.sql"), "SELECT 'ada.lovelace@' AS local,"
                + " 'example.com' AS domain, '4111 1111' AS card_start, '1111 1111' AS card_end;\n");
        String psql = "psql -X -h 127.0.0.1 -p " + TestTarget.port() + " -U postgres -d postgres -f " + query + " -A ";
        for (String separator : List.of("-F '#'", "-F '::'", "-F '~~'", "-P fieldsep='^'", "-F '!'", "-F '&&'")) {
            var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", psql + separator);
            assertThat(clear.exit()).as(clear.err()).isZero();
            assertThat(clear.out()).as(separator).contains("ada.lovelace@", "4111 1111");
            var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", psql + separator);
            assertThat(masked.exit()).as(masked.err()).isZero();
            assertThat(masked.out()).as(separator).contains("[EMAIL]", "[CARD]", "(1 row)").doesNotContain(PIECES);
        }
    }

    /**
     * A pager (psql's {@code less} or {@code more}) ends a screen inside a record or a wrapped row and
     * waits at its prompt for a key, which erases the prompt and prints the rest. Until 2026-12-07 the
     * prompt at that quiet moment ended the record as a shell's prompt does, and the first screen's
     * pieces reached the caller in clear.
     */
    @Test
    void aRecordOrAWrappedRowThatAPagersScreenCutsIsHeldOverItsPrompt() throws Exception {
        String script = "printf -- '-[ RECORD 1 ]----\\nid     | 1\\nlocal  | ada.lovelace@\\n:'; sleep 1;"
                + " printf '\\r\\033[Kdomain | example.com\\n\\n';"
                + " printf -- '-[ RECORD 2 ]----\\ncard_start | 4111 1111\\n\\033[7m--More--(50%%)\\033[27m'; sleep 1;"
                + " printf '\\r\\033[Kcard_end   | 1111 1111\\n\\n';"
                + " printf '   local   |      domain\\n-----------+------------------\\n ada.lovel.| example.com and .\\n"
                + "\\033[7mlines 1-24/90 26%%\\033[27m'; sleep 1; printf '\\r\\033[K.ace@      |.more text here\\n(1 row)\\n'";
        var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", script);
        assertThat(clear.out()).contains("ada.lovelace@", "4111 1111", "ada.lovel.");
        var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", script);
        assertThat(masked.exit()).as(masked.err()).isZero();
        assertThat(masked.out()).contains("local  | [EMAIL]", "[CARD]", "(1 row)").doesNotContain(PIECES)
                .doesNotContain("ada.lovel", ".ace@", "11 1111");
    }

    @Test
    void mariadbsPrintedFormatsOfARowThatSplitsValuesAreMaskedInEveryPiece() throws Exception {
        TestMariaDb mariadb = TestMariaDb.get();
        Path options = Files.writeString(dir.resolve("client.cnf"), "[client]\nhost=127.0.0.1\nport=" + mariadb.port()
                + "\nuser=" + TestMariaDb.NATIVE_USER + "\npassword=" + TestMariaDb.PASSWORD + "\n");
        // A table, not literals: --xml prints the statement, and the caller's own text is not the point.
        mariadb.sql("CREATE TABLE IF NOT EXISTS shop.printed (id int PRIMARY KEY, local varchar(40), domain varchar(40),"
                + " card_start varchar(20), card_end varchar(20))", "REPLACE INTO shop.printed VALUES"
                + " (1, 'ada.lovelace@', 'example.com', '4111 1111', '1111 1111')");
        Path query = Files.writeString(dir.resolve("split-mariadb.sql"), "SELECT * FROM printed;\n");
        String mariadbCommand = "mariadb --defaults-file=" + options + " shop ";
        List<String> formats = List.of("--vertical", "--xml", "--html", "--table", "--batch", "--batch --raw", "-s",
                "--batch --column-names | column -t -s \"$(printf '\\t')\"");
        for (String format : formats) {
            String command = format.contains("|") ? mariadbCommand + format.replace(" |", " < " + query + " |")
                    : mariadbCommand + format + " < " + query;
            var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", command);
            assertThat(clear.exit()).as(clear.err()).isZero();
            assertThat(clear.out()).as(format).contains("ada.lovelace@", "4111 1111");
            var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", command);
            assertThat(masked.exit()).as(masked.err()).isZero();
            assertThat(masked.out()).as(format).contains("[EMAIL]", "[CARD]").doesNotContain(PIECES);
        }
    }

    /**
     * A record's fields and a wrapped value's lines printed by separate writes, with a pause between
     * them: the first lines are held until the record or the row ends, then masked with the rest.
     */
    @Test
    void aRecordOrAWrappedRowPrintedInPiecesIsHeldUntilItEndsAndMasked() throws Exception {
        String script = "printf -- '-[ RECORD 1 ]----\\nid     | 1\\nlocal  | ada.lovelace@\\n'; sleep 1;"
                + " printf 'domain | example.com\\n\\n';"
                + " printf '*************************** 1. row ***************************\\n card_start: 4111 1111\\n';"
                + " sleep 1; printf '   card_end: 1111 1111\\n\\n';"
                + " printf '  1 | ada.love.| example.| 4111 1111 11.\\n'; sleep 1;"
                + " printf '    |.lace@    |..com    |.11 1111\\n(1 row)\\n'";
        var clear = client.ssh(TestGateway.ALICE_TOKEN, "web", "", script);
        assertThat(clear.out()).contains("ada.lovelace@", "4111 1111");
        var masked = client.ssh(TestGateway.AGENT_TOKEN, "web", "", script);
        assertThat(masked.exit()).as(masked.err()).isZero();
        assertThat(masked.out()).contains("local  | [EMAIL]", "domain | [EMAIL]", "card_end: [CARD]", "(1 row)")
                .doesNotContain(PIECES).doesNotContain(".lace@", "11 1111");
    }
}
