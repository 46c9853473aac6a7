package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What an approver reads, from answers shaped as the gateway's approvals API gives them. */
class ApprovalsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void aFirstOfTwoApprovalsSaysHowManyAreStillNeeded() throws Exception {
        JsonNode pending = json("{'id': 'k7mq2xw9bd4p', 'status': 'pending', 'min_approvals': 2, 'votes': [{'approver': 'dana'}]}");

        assertThat(ApprovalsCommand.approveResult("k7mq2xw9bd4p", pending, false))
                .isEqualTo("your approval of k7mq2xw9bd4p is recorded; 1/2 approvals so far, waiting for 1 more");
    }

    @Test
    void anApprovalSaysTheCommandRunsAndWhatTheGrantAllows() throws Exception {
        JsonNode approved = json("{'id': 'k7mq2xw9bd4p', 'status': 'approved', 'requester': 'analyst', 'min_approvals': 1,"
                + " 'votes': [{'approver': 'dana'}], 'decision': {'outcome': 'approved', 'break_glass': false},"
                + " 'grant': {'connection': 'shop', 'class': 'ddl', 'expires_at': '2026-11-23T09:30:00Z'}}");
        JsonNode breakGlass = json("{'id': 'p3rz8tw2kq5m', 'status': 'approved', 'decision': {'break_glass': true}}");

        assertThat(ApprovalsCommand.approveResult("k7mq2xw9bd4p", approved, true)).isEqualTo("approved k7mq2xw9bd4p: the command"
                + " runs now; analyst may run ddl on shop without approval until 2026-11-23T09:30:00Z");
        assertThat(ApprovalsCommand.approveResult("p3rz8tw2kq5m", breakGlass, true))
                .isEqualTo("approved p3rz8tw2kq5m (break-glass): the command runs now; no grant, because not every approver asked for one");
    }

    @Test
    void showPrintsWhoAskedWhoVotedAndTheWholeCommand() throws Exception {
        JsonNode denied = json("{'id': 'k7mq2xw9bd4p', 'status': 'denied', 'requester': 'analyst', 'requester_subject': 'apikey:analyst',"
                + " 'connection': 'shop', 'protocol': 'postgres', 'session': 's1', 'class': 'ddl', 'rule': 'hold-ddl',"
                + " 'reason': 'schema changes need a DBA', 'approvers': ['dba', 'security'], 'min_approvals': 2, 'break_glass_groups': [],"
                + " 'votes': [{'approver': 'dana', 'at': '2026-11-23T09:01:00Z', 'reason': 'fine'}],"
                + " 'requested_at': '2026-11-23T09:00:00Z', 'expires_at': '2026-11-23T09:10:00Z',"
                + " 'decision': {'outcome': 'denied', 'reason': 'touches payments', 'by': 'sam', 'at': '2026-11-23T09:02:00Z', 'break_glass': false},"
                + " 'approve_command': 'tracegate approvals approve k7mq2xw9bd4p',"
                + " 'command': 'ALTER TABLE orders\\n  ADD COLUMN note text'}");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ApprovalsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), denied);

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(
                "requester:    analyst (apikey:analyst)",
                "approvers:    2 of [\"dba\",\"security\"]",
                "approved by:  dana at 2026-11-23T09:01:00Z: fine",
                "decision:     denied by sam at 2026-11-23T09:02:00Z: touches payments",
                "command:\n  ALTER TABLE orders\n    ADD COLUMN note text")
                .doesNotContain("to approve:");
    }

    @Test
    void aReasonOrNameCannotStartALineThatPassesForAnotherFieldNorActOnTheTerminal() throws Exception {
        JsonNode pending = json("{'id': 'k7mq2xw9bd4p', 'status': 'pending', 'requester': 'analyst\\u001b[2K', 'requester_subject': 'apikey:analyst',"
                + " 'min_approvals': 2, 'approvers': ['dba'], 'break_glass_groups': [],"
                + " 'votes': [{'approver': 'dana', 'at': '2026-11-23T09:01:00Z', 'reason': 'fine\\napproved by:  sam at 2026-11-23T09:02:00Z: ok'}],"
                + " 'approve_command': 'tracegate approvals approve k7mq2xw9bd4p', 'command': 'DROP TABLE orders -- \\u001b[1A\\u001b[2K\\rSELECT 1'}");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ApprovalsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), pending);

        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).doesNotContain("\u001b").doesNotContain("\r")
                .contains("approved by:  dana at 2026-11-23T09:01:00Z: fine<U+000A>approved by:  sam")
                .contains("requester:    analyst<U+001B>[2K (apikey:analyst)")
                .contains("  DROP TABLE orders -- <U+001B>[1A<U+001B>[2K");
        assertThat(shown.lines().filter(line -> line.startsWith("approved by:"))).hasSize(1);
    }
}
