package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracegate sessions list|show}: what happened through a running gateway. */
@Command(name = "sessions", mixinStandardHelpOptions = true, description = "List recorded sessions or show one.",
        subcommands = {SessionsCommand.List.class, SessionsCommand.Show.class})
final class SessionsCommand {

    /** Where the gateway is; shared by the subcommands. */
    static class Server {
        @Option(names = "--server", description = "gateway API URL (default: $TRACEGATE_SERVER)")
        String server;

        @Option(names = "--token", description = "API token (default: $TRACEGATE_TOKEN)")
        String token;

        ApiClient client() {
            return new ApiClient(server, token);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Most recent sessions first.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Server server = new Server();

        @Option(names = "--user", description = "only sessions of this subject (e.g. apikey:analyst), at any issuer")
        String user;

        @Option(names = "--issuer", description = "with --user: only that subject at this issuer (the same subject at"
                + " another issuer is someone else)")
        String issuer;

        @Option(names = "--connection", description = "only sessions on this connection")
        String connection;

        @Option(names = "--from", description = "only sessions opened at or after this RFC 3339 time")
        String from;

        @Option(names = "--to", description = "only sessions opened before this RFC 3339 time")
        String to;

        @Option(names = "--trace", description = "only sessions with events of this trace (32 hex digits)")
        String trace;

        @Option(names = "--status", description = "open or closed")
        String status;

        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws Exception {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("user", user);
            query.put("issuer", issuer);
            query.put("connection", connection);
            query.put("from", from);
            query.put("to", to);
            query.put("trace", trace);
            query.put("status", status);
            query.put("limit", Integer.toString(limit));
            JsonNode sessions = server.client().get("/api/sessions", query);
            PrintStream out = System.out;
            out.printf("%-36s  %-27s  %-20s  %-10s  %-22s  %8s  %s%n",
                    "SESSION", "OPENED", "USER", "CONNECTION", "CLIENT", "COMMANDS", "STATUS");
            for (JsonNode session : sessions) {
                JsonNode opened = session.path("opened");
                JsonNode closed = session.path("closed");
                out.printf("%-36s  %-27s  %-20s  %-10s  %-22s  %8s  %s%n",
                        session.path("id").asText(),
                        opened.path("time").asText(),
                        SessionPrinter.forTerminal(opened.path("actor").path("name").asText(opened.path("actor").path("sub").asText())),
                        opened.path("resource").path("connection").asText(),
                        opened.path("detail").path("client").asText(),
                        closed.isMissingNode() || closed.isNull() ? "-" : closed.path("detail").path("commands").asText(),
                        closed.isMissingNode() || closed.isNull() ? "open"
                                : SessionPrinter.forTerminal("closed: " + closed.path("detail").path("reason").asText()));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Every event of one session, in order.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Server server = new Server();

        @Parameters(index = "0", description = "session id")
        String id;

        @Override
        public Integer call() throws Exception {
            JsonNode session = server.client().get("/api/sessions/" + id, Map.of());
            new SessionPrinter(System.out).print(session.path("events"));
            return 0;
        }
    }
}
