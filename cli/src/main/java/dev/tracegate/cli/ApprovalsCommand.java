package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Pending approvals, oldest first.")
    static final class List implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Override
        public Integer call() throws IOException {
            JsonNode pending = server.client().get("/api/approvals", Map.of());
            if (pending.isEmpty()) {
                System.out.println("no pending approvals");
                return 0;
            }
            System.out.printf("%-12s  %-12s  %-10s  %-10s  %-20s  %s%n", "ID", "REQUESTER", "CONNECTION", "CLASS", "EXPIRES", "COMMAND");
            for (JsonNode approval : pending) {
                System.out.printf("%-12s  %-12s  %-10s  %-10s  %-20s  %s%n", approval.path("id").asText(),
                        approval.path("requester").asText(), approval.path("connection").asText(),
                        approval.path("class").asText(), approval.path("expires_at").asText(), oneLine(approval.path("command").asText()));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One approval in full.")
    static final class Show implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Parameters(index = "0", description = "approval id")
        String id;

        @Override
        public Integer call() throws IOException {
            print(server.client().get("/api/approvals/" + id, Map.of()));
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

        @Option(names = "--grant", description = "also let the requester run this class on this connection for this long (e.g. 30m)")
        String grant;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("reason", reason);
            if (grant != null) {
                body.put("grant", grant);
            }
            JsonNode result = server.client().post("/api/approvals/" + id + "/approve", body);
            System.out.println(result.path("status").asText().equals("approved")
                    ? "approved " + id + ": the command runs now"
                    : "your approval of " + id + " is recorded; " + result.path("votes").size() + " of "
                    + result.path("min_approvals").asInt() + " approvals so far");
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
            System.out.println("denied " + id);
            return 0;
        }
    }

    static void print(JsonNode approval) {
        approval.properties().forEach(field -> System.out.printf("%-16s %s%n", field.getKey() + ":",
                field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString()));
    }

    private static String oneLine(String command) {
        String flat = command.replaceAll("\\s+", " ").strip();
        return flat.length() > 80 ? flat.substring(0, 77) + "..." : flat;
    }
}
