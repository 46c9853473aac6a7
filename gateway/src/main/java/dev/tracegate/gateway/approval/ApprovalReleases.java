package dev.tracegate.gateway.approval;

import dev.tracegate.gateway.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node learns that a request it holds was decided on another node. With a PostgreSQL store
 * it listens on {@link StoredApprovals#CHANNEL} over a connection of its own and hands each
 * announced id to {@code announced} at once. Whatever the store, {@code tick} runs every
 * {@code poll}: it renews the node's lease and reconciles everything held here against the
 * store, so a notification lost with a dropped connection only delays a release, never loses it.
 * With the embedded store there is one node and decisions release their waiters directly; the tick
 * still expires and renews.
 */
final class ApprovalReleases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalReleases.class);

    private final Store store;
    private final Duration poll;
    private final Consumer<String> announced;
    private final Runnable tick;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection listening;

    ApprovalReleases(Store store, Duration poll, Consumer<String> announced, Runnable tick) {
        this.store = store;
        this.poll = poll;
        this.announced = announced;
        this.tick = tick;
        this.thread = Thread.ofPlatform().name("approval-releases").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                if (store.embedded()) {
                    Thread.sleep(poll);
                    runTick();
                    continue;
                }
                listen();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("approval releases: the store's notifications stopped ({}); polling every {} until they are back",
                        e.getMessage(), poll);
                runTick();
                pause();
            }
        }
    }

    /** Listens until the connection fails or the node stops; ticks between notifications. */
    private void listen() throws SQLException {
        try (Connection connection = store.dedicatedConnection()) {
            listening = connection;
            try (Statement listen = connection.createStatement()) {
                listen.execute("LISTEN " + StoredApprovals.CHANNEL);
            }
            // Anything decided while no one listened is found by this first reconciliation.
            runTick();
            long nextTick = System.nanoTime() + poll.toNanos();
            PGConnection notifications = connection.unwrap(PGConnection.class);
            while (running) {
                long wait = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000);
                PGNotification[] received = notifications.getNotifications((int) Math.min(wait, Integer.MAX_VALUE));
                if (received != null) {
                    for (PGNotification notification : received) {
                        announced.accept(notification.getParameter());
                    }
                }
                if (System.nanoTime() - nextTick >= 0) {
                    runTick();
                    nextTick = System.nanoTime() + poll.toNanos();
                }
            }
        } finally {
            listening = null;
        }
    }

    private void runTick() {
        try {
            tick.run();
        } catch (RuntimeException e) {
            LOG.warn("approval releases: reconciling with the store failed: {}", e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(poll);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Connection connection = listening;
        if (connection != null) {
            try {
                connection.close(); // ends a getNotifications wait
            } catch (SQLException e) {
                LOG.debug("closing the listening connection: {}", e.getMessage());
            }
        }
        try {
            thread.join(poll.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
