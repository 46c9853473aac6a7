package dev.tracegate.cli;

import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.PolicyEngine;
import dev.tracegate.policy.rules.PolicyException;
import dev.tracegate.policy.rules.PolicyParser;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.SqlClassification;
import dev.tracegate.policy.sql.SqlClassifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracegate policy test}: what the gateway would do with a statement, without running it. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with policies.",
        subcommands = {PolicyCommand.Test.class})
final class PolicyCommand {

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Print the decision for a statement and the rule that made it.")
    static final class Test implements Callable<Integer> {

        @Option(names = "--policy", required = true, description = "policy YAML file (see docs/policy.md)")
        Path policyFile;

        @Option(names = "--connection", required = true, description = "connection name")
        String connection;

        @Option(names = "--as", split = ",", description = "the caller's groups, comma-separated")
        List<String> groups = List.of();

        @Option(names = "--kind", defaultValue = "human", description = "human, service or agent (default ${DEFAULT-VALUE})")
        String kind;

        @Option(names = "--protocol", defaultValue = "postgres", description = "protocol (default ${DEFAULT-VALUE})")
        String protocol;

        @Parameters(index = "0", description = "the SQL text, as a client would send it")
        String sql;

        @Override
        public Integer call() throws IOException {
            Policy policy;
            try {
                policy = PolicyParser.parse(Files.readString(policyFile, StandardCharsets.UTF_8));
            } catch (PolicyException e) {
                throw new CliException(policyFile + ": " + e.getMessage());
            }
            SqlClassification classification = new SqlClassifier().classify(sql);
            Decision decision = PolicyEngine.decide(policy,
                    new Subject(connection, protocol, new HashSet<>(groups), kind), classification);
            System.out.printf("%s  rule=%s  class=%s  %s%n", decision.action().name().toLowerCase(Locale.ROOT),
                    decision.rule(), decision.statementClass().name().toLowerCase(Locale.ROOT), decision.reason());
            if (decision.approval() != null) {
                System.out.printf("  approvers=%s minApprovals=%d timeout=%s breakGlass=%s%n",
                        decision.approval().approverGroups(), decision.approval().minApprovals(),
                        decision.approval().timeout(), decision.approval().breakGlassGroups());
            }
            for (ClassifiedStatement statement : classification.statements()) {
                System.out.printf("  statement: %s  class=%s  tables=%s%n    %s%n", statement.command(),
                        statement.statementClass().name().toLowerCase(Locale.ROOT), statement.tables(),
                        String.join("; ", statement.reasons()));
            }
            return 0;
        }
    }
}
