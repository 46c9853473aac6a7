package dev.tracegate.gateway.report;

import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.ledger.report.ReportParameters;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * What an audit report is asked for.
 *
 * @param seed null for a random one, which the report states so the sample can be redone
 */
public record ReportRequest(Instant from, Instant to, List<String> connections, List<String> users, int sampleSize, String seed,
                            Identity requestedBy) {

    public ReportRequest {
        connections = List.copyOf(connections);
        users = List.copyOf(users);
        if (seed == null || seed.isBlank()) {
            byte[] random = new byte[8];
            new SecureRandom().nextBytes(random);
            seed = HexFormat.of().formatHex(random);
        }
    }

    /** The parameters the report states; throws IllegalArgumentException when they make no report (an empty period). */
    ReportParameters parameters(Instant generatedAt) {
        String by = requestedBy.name() == null ? requestedBy.subject() : requestedBy.name() + " (" + requestedBy.subject() + ")";
        return new ReportParameters(from, to, connections, users, sampleSize, seed, ReportParameters.DEFAULT_REFUSAL_THRESHOLD,
                generatedAt, by);
    }
}
