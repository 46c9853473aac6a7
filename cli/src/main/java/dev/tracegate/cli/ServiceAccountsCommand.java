package dev.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tracegate service-accounts create|add-ssh-key|list|revoke}: keys for jobs and agents, and
 * their OpenSSH public keys (admins only).
 */
@Command(name = "service-accounts", mixinStandardHelpOptions = true, description = "Manage service-account keys.",
        subcommands = {ServiceAccountsCommand.Create.class, ServiceAccountsCommand.AddSshKey.class,
                ServiceAccountsCommand.ListKeys.class, ServiceAccountsCommand.Revoke.class})
final class ServiceAccountsCommand {

    /** What a key of either kind grants. */
    static final class Grant {
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

        ObjectNode body() {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("account", account).put("kind", kind);
            groups.forEach(body.putArray("groups")::add);
            if (description != null) {
                body.put("description", description);
            }
            if (lifetimeDays != null) {
                body.put("lifetime_days", lifetimeDays);
            }
            return body;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; it is shown once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Mixin
        Grant grant = new Grant();

        @Override
        public Integer call() throws IOException {
            JsonNode created = server.client().post("/api/service-accounts", grant.body());
            System.err.println("created key " + created.path("key").path("id").asText() + " for " + grant.account
                    + "; the secret below is shown once, store it now:");
            System.out.println(created.path("secret").asText());
            return 0;
        }
    }

    @Command(name = "add-ssh-key", mixinStandardHelpOptions = true,
            description = "Register an OpenSSH public key: its holder signs in to the SSH listener with ssh -i, as the account.")
    static final class AddSshKey implements Callable<Integer> {
        @Mixin
        SessionsCommand.Server server = new SessionsCommand.Server();

        @Mixin
        Grant grant = new Grant();

        @Parameters(index = "0", description = "the public key file (id_ed25519.pub), or - for standard input")
        String file;

        @Override
        public Integer call() throws IOException {
            String line = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            JsonNode registered = server.client().post("/api/service-accounts/ssh-keys", grant.body().put("public_key", line.strip()));
            JsonNode key = registered.path("key");
            System.out.println("registered key " + key.path("id").asText() + " (" + key.path("sshKey").asText() + ") for "
                    + grant.account + "; revoke it with: tracegate service-accounts revoke " + key.path("id").asText());
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
            System.out.printf("%-24s  %-20s  %-8s  %-24s  %-10s  %-24s  %s%n", "KEY", "ACCOUNT", "KIND", "GROUPS", "STATE",
                    "LAST USED", "SSH KEY");
            for (JsonNode key : keys) {
                String state = !key.path("revokedAt").isNull() && key.hasNonNull("revokedAt") ? "revoked" : "active";
                System.out.printf("%-24s  %-20s  %-8s  %-24s  %-10s  %-24s  %s%n", key.path("id").asText(), key.path("account").asText(),
                        key.path("kind").asText(), key.path("groups").toString(), state,
                        key.hasNonNull("lastUsedAt") ? key.path("lastUsedAt").asText() : "never",
                        key.hasNonNull("sshKey") ? key.path("sshKey").asText() : "-");
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
