package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.ledger.text.VisibleText;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracegate approvals list|show|approve|deny}: decide on held commands. */
@Command(name = "approvals", mixinStandardHelpOptions = true, description = "List and decide held commands.",
        subcommands = {ApprovalsCommand.List.class, ApprovalsCommand.Show.class, ApprovalsCommand.Approve.class,
                ApprovalsCommand.Deny.class})
final class ApprovalsCommand {

    private static final String ROW = "%-12s  %-9s  %-12s  %-10s  %-10s  %-5s  %-20s  %s%n";

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Held commands you may see, the longest waiting first (you see your own, those you may decide, or all as admin/auditor).")
    static final class List implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Option(names = "--all", description = "also recently decided ones, newest first")
        boolean all;

        @Override
        public Integer call() throws IOException {
            JsonNode approvals = server.client().get("/api/approvals", all ? Map.of("all", "true") : Map.of());
            PrintStream out = System.out;
            if (approvals.isEmpty()) {
                out.println(all ? "no approvals" : "no pending approvals");
                return 0;
            }
            out.printf(ROW, "ID", "STATUS", "REQUESTER", "CONNECTION", "CLASS", "VOTES", "EXPIRES", "COMMAND");
            for (JsonNode approval : approvals) {
                out.printf(ROW, approval.path("id").asText(), approval.path("status").asText(),
                        approval.path("requester").asText(), approval.path("connection").asText(),
                        approval.path("class").asText(), votes(approval), approval.path("expires_at").asText(),
                        oneLine(approval.path("command").asText()));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One approval in full: the command, who asked, votes, decision.")
    static final class Show implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Parameters(index = "0", description = "approval id")
        String id;

        @Override
        public Integer call() throws IOException {
            print(System.out, server.client().get("/api/approvals/" + id, Map.of()));
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a held command.")
    static final class Approve implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Parameters(index = "0", description = "approval id")
        String id;

        @Option(names = "--reason", required = true, description = "why; recorded in the evidence log")
        String reason;

        @Option(names = "--grant", description = "also let the requester run this class on this connection without asking, "
                + "for this long (e.g. 30m); with several approvers, only if each of them asks for one")
        String grant;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("reason", reason);
            if (grant != null) {
                body.put("grant", grant);
            }
            JsonNode result = server.client().post("/api/approvals/" + id + "/approve", body);
            System.out.println(approveResult(id, result, grant != null));
            return 0;
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a held command.")
    static final class Deny implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Parameters(index = "0", description = "approval id")
        String id;

        @Option(names = "--reason", required = true, description = "why; the requester sees it and it is recorded")
        String reason;

        @Override
        public Integer call() throws IOException {
            server.client().post("/api/approvals/" + id + "/deny", JsonNodeFactory.instance.objectNode().put("reason", reason));
            System.out.println("denied " + id + ": the command will not run");
            return 0;
        }
    }

    static String approveResult(String id, JsonNode result, boolean grantAsked) {
        if (!result.path("status").asText().equals("approved")) {
            return "your approval of " + id + " is recorded; " + votes(result) + " approvals so far, waiting for "
                    + (result.path("min_approvals").asInt() - result.path("votes").size()) + " more";
        }
        StringBuilder line = new StringBuilder("approved " + id);
        if (result.path("decision").path("break_glass").asBoolean()) {
            line.append(" (break-glass)");
        }
        line.append(": the command runs now");
        JsonNode grant = result.path("grant");
        if (!grant.isMissingNode()) {
            line.append("; ").append(result.path("requester").asText()).append(" may run ").append(grant.path("class").asText())
                    .append(" on ").append(grant.path("connection").asText()).append(" without approval until ")
                    .append(grant.path("expires_at").asText());
        } else if (grantAsked) {
            line.append("; no grant, because not every approver asked for one");
        }
        return line.toString();
    }

    static void print(PrintStream out, JsonNode approval) {
        field(out, "id", approval.path("id").asText());
        field(out, "status", approval.path("status").asText());
        field(out, "requester", approval.path("requester").asText() + " (" + approval.path("requester_subject").asText() + ")");
        field(out, "connection", approval.path("connection").asText() + " (" + approval.path("protocol").asText() + ")");
        field(out, "session", approval.path("session").asText());
        field(out, "class", approval.path("class").asText());
        field(out, "rule", approval.path("rule").asText() + ": " + approval.path("reason").asText());
        field(out, "approvers", approval.path("min_approvals").asInt() + " of " + approval.path("approvers").toString()
                + (approval.path("break_glass_groups").isEmpty() ? "" : ", or one of break-glass " + approval.path("break_glass_groups")));
        field(out, "requested", approval.path("requested_at").asText());
        field(out, "expires", approval.path("expires_at").asText());
        for (JsonNode vote : approval.path("votes")) {
            field(out, "approved by", vote.path("approver").asText() + " at " + vote.path("at").asText() + ": " + vote.path("reason").asText());
        }
        JsonNode decision = approval.path("decision");
        if (!decision.isMissingNode()) {
            field(out, "decision", decision.path("outcome").asText() + (decision.path("break_glass").asBoolean() ? " (break-glass)" : "")
                    + " by " + decision.path("by").asText() + " at " + decision.path("at").asText()
                    + (decision.path("reason").isTextual() ? ": " + decision.path("reason").asText() : ""));
        }
        JsonNode grant = approval.path("grant");
        if (!grant.isMissingNode()) {
            field(out, "grant", grant.path("class").asText() + " on " + grant.path("connection").asText() + " until "
                    + grant.path("expires_at").asText());
        }
        if (approval.path("status").asText().equals("pending")) {
            field(out, "to approve", approval.path("approve_command").asText() + " --reason \"...\"");
        }
        out.println("command:");
        approval.path("command").asText().lines().forEach(line -> out.println("  " + VisibleText.line(line)));
    }

    /** One line each: a reason or a name with a line feed or an escape sequence in it cannot pass for another field. */
    private static void field(PrintStream out, String name, String value) {
        out.printf("%-13s %s%n", name + ":", VisibleText.line(value));
    }

    private static String votes(JsonNode approval) {
        return approval.path("votes").size() + "/" + approval.path("min_approvals").asInt();
    }

    private static String oneLine(String command) {
        String flat = VisibleText.line(command.replaceAll("\\s+", " ").strip());
        return flat.length() > 80 ? flat.substring(0, 77) + "..." : flat;
    }
}
