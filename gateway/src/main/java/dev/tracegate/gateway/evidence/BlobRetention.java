package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.guard.PolicyFileWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes blob content older than the retention period, once an hour, and records what it removed
 * as a {@code retention.applied} event. Leaves keep the hashes.
 */
public final class BlobRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlobRetention.class);

    private final EvidenceLog log;
    private final Duration retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("blob-retention").daemon(true).unstarted(r));

    public BlobRetention(EvidenceLog log, Duration retention) {
        this.log = log;
        this.retention = retention;
        timer.scheduleWithFixedDelay(this::applyNow, 1, 60, TimeUnit.MINUTES);
    }

    /** Returns how many blobs lost their content. */
    public int applyNow() {
        try {
            log.blobs().writeWaiting();
            Instant cutoff = Instant.now().minus(retention);
            int deleted = log.blobs().deleteContentStoredBefore(cutoff);
            if (deleted > 0) {
                LOG.info("blob retention: deleted the content of {} blobs older than {}", deleted, retention);
                record(deleted, cutoff);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.error("blob retention failed: {}", e.getMessage());
            return 0;
        }
    }

    private void record(int deleted, Instant cutoff) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("deleted", deleted);
        detail.put("stored_before", cutoff.toString());
        detail.put("retention_days", retention.toDays());
        log.append(new EvidenceEvent(Instant.now(), EventType.RETENTION_APPLIED, PolicyFileWatcher.GATEWAY, null, null, null, detail));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
