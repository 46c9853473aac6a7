package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracegate service-accounts create|list|revoke}: keys for jobs and agents (admins only). */
@Command(name = "service-accounts", mixinStandardHelpOptions = true, description = "Manage service-account keys.",
        subcommands = {ServiceAccountsCommand.Create.class, ServiceAccountsCommand.ListKeys.class,
                ServiceAccountsCommand.Revoke.class})
final class ServiceAccountsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; it is shown once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Option(names = "--account", required = true, description = "account name (letters, digits, . _ -)")
        String account;

        @Option(names = "--group", description = "a group for policy; repeat for several")
        List<String> groups = List.of();

        @Option(names = "--kind", defaultValue = "service", description = "service or agent (default ${DEFAULT-VALUE})")
        String kind;

        @Option(names = "--description", description = "what the key is for")
        String description;

        @Option(names = "--lifetime-days", description = "the key stops working after this many days")
        Integer lifetimeDays;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("account", account).put("kind", kind);
            groups.forEach(body.putArray("groups")::add);
            if (description != null) {
                body.put("description", description);
            }
            if (lifetimeDays != null) {
                body.put("lifetime_days", lifetimeDays);
            }
            JsonNode created = server.client().post("/api/service-accounts", body);
            System.err.println("created key " + created.path("key").path("id").asText() + " for " + account
                    + "; the secret below is shown once, store it now:");
            System.out.println(created.path("secret").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every key, with its state and last use.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Override
        public Integer call() throws IOException {
            JsonNode keys = server.client().get("/api/service-accounts", Map.of());
            System.out.printf("%-24s  %-20s  %-8s  %-24s  %-10s  %s%n", "KEY", "ACCOUNT", "KIND", "GROUPS", "STATE", "LAST USED");
            for (JsonNode key : keys) {
                String state = !key.path("revokedAt").isNull() && key.hasNonNull("revokedAt") ? "revoked" : "active";
                System.out.printf("%-24s  %-20s  %-8s  %-24s  %-10s  %s%n", key.path("id").asText(), key.path("account").asText(),
                        key.path("kind").asText(), key.path("groups").toString(), state,
                        key.hasNonNull("lastUsedAt") ? key.path("lastUsedAt").asText() : "never");
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; it stops working within seconds.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Parameters(index = "0", description = "key id")
        String id;

        @Override
        public Integer call() throws IOException {
            server.client().delete("/api/service-accounts/keys/" + id);
            System.out.println("revoked " + id);
            return 0;
        }
    }
}
