package dev.tracegate.cli;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.CallerMasking;
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
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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

        @Option(names = "--sample", paramLabel = "[SCHEMA.]TABLE.COLUMN[:TYPE]=VALUE",
                description = "a result value to show masked as this caller would receive it (repeatable),"
                        + " e.g. customers.email=ada@example.com")
        List<String> samples = List.of();

        @Parameters(index = "0", description = "the SQL text, as a client would send it")
        String sql;

        @Override
        public Integer call() throws IOException {
            Policy policy;
            try {
                // hash strategies need a key; the gateway's own stays with the gateway
                policy = PolicyParser.parse(Files.readString(policyFile, StandardCharsets.UTF_8), throwawayKey());
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
            Subject subject = new Subject(connection, protocol, new HashSet<>(groups), kind);
            Optional<CallerMasking> masking = PolicyEngine.masking(policy, subject);
            System.out.println(masking.map(m -> "mask  rule=" + m.rule() + "  profile=" + m.profile()
                    + "  results are masked for this caller").orElse("mask  none  results are in clear for this caller;"
                    + " the evidence keeps them masked"));
            Masker masker = masking.map(CallerMasking::masker).orElse(policy.recordingMasker());
            for (String sample : samples) {
                printSample(masker, sample);
            }
            if (!samples.isEmpty()) {
                System.out.println("  (hash pseudonyms here use a throwaway key: the gateway's differ)");
            }
            return 0;
        }

        private static void printSample(Masker masker, String sample) {
            int equals = sample.indexOf('=');
            if (equals < 1) {
                throw new CliException("--sample " + sample + ": expected [SCHEMA.]TABLE.COLUMN[:TYPE]=VALUE");
            }
            String where = sample.substring(0, equals);
            String type = where.contains(":") ? where.substring(where.indexOf(':') + 1) : "text";
            String[] parts = (where.contains(":") ? where.substring(0, where.indexOf(':')) : where).split("\\.");
            ColumnRef column = switch (parts.length) {
                case 1 -> new ColumnRef(null, null, parts[0], type);
                case 2 -> new ColumnRef("public", parts[0], parts[1], type);
                case 3 -> new ColumnRef(parts[0], parts[1], parts[2], type);
                default -> throw new CliException("--sample " + sample + ": expected [SCHEMA.]TABLE.COLUMN[:TYPE]=VALUE");
            };
            String value = sample.substring(equals + 1);
            CellResult result = masker.maskText(column, value, new MaskingReport());
            String shown = result.changed() ? (result.value() == null ? "NULL" : result.value()) : value;
            System.out.printf("  %s: %s -> %s%s%n", column.location(), value, shown,
                    result.findings().isEmpty() ? "" : "  " + result.findings().keySet());
        }

        private static HashKey throwawayKey() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return HashKey.of(key);
        }
    }
}
