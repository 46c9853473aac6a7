package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tracegate traces show TRACE_ID}: everything one agent task did, across sessions and protocols. */
@Command(name = "traces", mixinStandardHelpOptions = true, description = "Show a reasoning trace across protocols.",
        subcommands = {TracesCommand.Show.class})
final class TracesCommand {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One timeline of the trace: statements, HTTP requests, results, approvals and masking, in order.")
    static final class Show implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Parameters(index = "0", description = "the W3C trace id (32 hex digits), as in a traceparent header or sqlcommenter comment")
        String traceId;

        @Override
        public Integer call() throws Exception {
            JsonNode trace = server.client().get("/api/traces/" + traceId, Map.of());
            JsonNode events = trace.path("events");
            System.out.println("trace " + trace.path("trace").asText() + ": " + events.size() + " events in "
                    + distinct(events, e -> e.path("session").asText("-")).size() + " sessions ("
                    + String.join(", ", distinct(events, e -> e.path("resource").path("protocol").asText("-"))) + ")");
            new SessionPrinter(System.out, true).print(events);
            return 0;
        }

        private static Set<String> distinct(JsonNode events, Function<JsonNode, String> value) {
            return events.valueStream().map(value).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
