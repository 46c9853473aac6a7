package dev.tracegate.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.nio.file.Path;

/**
 * The evidence log's identity and signing.
 *
 * @param origin                    the log's unique name in checkpoints, e.g. {@code tracegate.example.com/prod}
 * @param signingKey                private key file (C2SP note format), by reference; generated under the
 *                                  data directory on first start when absent
 * @param checkpointIntervalSeconds how often a checkpoint is signed while the log grows
 * @param publishDirectory          a directory outside the store where every checkpoint is also written
 * @param fsync                     embedded store: force every journal batch to disk before a command
 *                                  runs (survives power loss; without it, survives the gateway being killed)
 * @param blobRetentionDays         delete blob content (large payloads) after this many days; 0 keeps it
 * @param publishUrl                an HTTP endpoint that receives every checkpoint (POST, text/plain)
 * @param resultDataBytes           how much of each command's result data (masked) is kept as a blob
 *                                  with its {@code command.result} event; 0 keeps none (default 64 KiB)
 * @param anchorFile                where the last signed checkpoint is kept outside the store; the store
 *                                  must extend it at every start. Default {@code dataDir/evidence-anchor}
 */
public record EvidenceConfig(String origin, SecretReference signingKey, int checkpointIntervalSeconds,
                             String publishDirectory, boolean fsync, int blobRetentionDays, String publishUrl,
                             Integer resultDataBytes, String anchorFile) {

    public static final int DEFAULT_RESULT_DATA_BYTES = 64 * 1024;

    public EvidenceConfig(String origin, SecretReference signingKey, int checkpointIntervalSeconds,
                          String publishDirectory, boolean fsync, int blobRetentionDays, String publishUrl) {
        this(origin, signingKey, checkpointIntervalSeconds, publishDirectory, fsync, blobRetentionDays, publishUrl, null, null);
    }

    /** With the anchor in its default place. */
    public EvidenceConfig(String origin, SecretReference signingKey, int checkpointIntervalSeconds,
                          String publishDirectory, boolean fsync, int blobRetentionDays, String publishUrl,
                          Integer resultDataBytes) {
        this(origin, signingKey, checkpointIntervalSeconds, publishDirectory, fsync, blobRetentionDays, publishUrl,
                resultDataBytes, null);
    }

    @JsonCreator
    public EvidenceConfig {
        origin = origin == null ? "tracegate.local/log" : origin;
        if (origin.isBlank() || origin.contains("\n")) {
            throw new ConfigException("evidence.origin must be a single non-empty line");
        }
        checkpointIntervalSeconds = checkpointIntervalSeconds <= 0 ? 60 : checkpointIntervalSeconds;
        if (publishUrl != null && !publishUrl.startsWith("https://") && !publishUrl.startsWith("http://")) {
            throw new ConfigException("evidence.publishUrl must be an http(s) URL");
        }
        resultDataBytes = resultDataBytes == null ? DEFAULT_RESULT_DATA_BYTES : resultDataBytes;
        if (resultDataBytes < 0 || resultDataBytes > 64 * 1024 * 1024) {
            throw new ConfigException("evidence.resultDataBytes must be between 0 (keep none) and 67108864");
        }
        if (anchorFile != null && anchorFile.isBlank()) {
            throw new ConfigException("evidence.anchorFile must be a file path (leave it out for dataDir/evidence-anchor)");
        }
        if (blobRetentionDays < 0) {
            throw new ConfigException("evidence.blobRetentionDays must be 0 (keep) or a number of days");
        }
    }

    /** The anchor file: configured, or {@code evidence-anchor} in the data directory. */
    public Path anchorPath(Path dataDir) {
        return anchorFile != null ? Path.of(anchorFile) : dataDir.resolve("evidence-anchor");
    }
}
