package dev.tracegate.gateway.evidence;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes blob content older than the retention period, once an hour. Leaves keep the hashes. */
public final class BlobRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlobRetention.class);

    private final BlobStore blobs;
    private final Duration retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("blob-retention").daemon(true).unstarted(r));

    public BlobRetention(BlobStore blobs, Duration retention) {
        this.blobs = blobs;
        this.retention = retention;
        timer.scheduleWithFixedDelay(this::applyNow, 1, 60, TimeUnit.MINUTES);
    }

    /** Returns how many blobs lost their content. */
    public int applyNow() {
        try {
            int deleted = blobs.deleteContentStoredBefore(Instant.now().minus(retention));
            if (deleted > 0) {
                LOG.info("blob retention: deleted the content of {} blobs older than {}", deleted, retention);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.error("blob retention failed: {}", e.getMessage());
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
