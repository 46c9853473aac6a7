package dev.tracegate.gateway.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.Identity;
import dev.tracegate.masking.HashKey;
import dev.tracegate.policy.rules.Policy;
import dev.tracegate.policy.rules.PolicyException;
import dev.tracegate.policy.rules.PolicyParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the policy file when it changes, without a restart. Every accepted change, and every
 * rejected one, is a {@code policy.changed} event carrying the document's SHA-256, so auditors
 * can tell which policy was in force for any command. A rejected document leaves the previous
 * policy in force.
 */
public final class PolicyFileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFileWatcher.class);
    /** The gateway itself, as the actor of events it causes on its own. */
    public static final Identity GATEWAY = EvidenceEvent.GATEWAY;

    private final Path file;
    private final Guard guard;
    private final EvidenceLog log;
    private final HashKey hashKey;
    private final ScheduledExecutorService timer;
    private String loadedText;

    private PolicyFileWatcher(Path file, Guard guard, EvidenceLog log, HashKey hashKey) {
        this.file = file;
        this.guard = guard;
        this.log = log;
        this.hashKey = hashKey;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("policy-watcher").daemon(true).unstarted(r));
    }

    /**
     * Loads the policy now (failing start-up if it is invalid) and then checks for changes every {@code seconds}.
     *
     * @param hashKey the key of the policy's {@code hash} masking strategies
     */
    public static PolicyFileWatcher start(Path file, Guard guard, EvidenceLog log, HashKey hashKey, int seconds) {
        PolicyFileWatcher watcher = new PolicyFileWatcher(file, guard, log, hashKey);
        String text = watcher.read();
        Policy policy = PolicyParser.parse(text, hashKey);
        watcher.accept(text, policy);
        watcher.timer.scheduleWithFixedDelay(watcher::reloadIfChanged, seconds, seconds, TimeUnit.SECONDS);
        return watcher;
    }

    /** Checks the file now; returns true when a new policy was accepted. */
    public synchronized boolean reloadIfChanged() {
        String text;
        try {
            text = read();
        } catch (PolicyException e) {
            LOG.error("{}; the previous policy stays in force", e.getMessage());
            return false;
        }
        if (text.equals(loadedText)) {
            return false;
        }
        try {
            accept(text, PolicyParser.parse(text, hashKey));
            return true;
        } catch (PolicyException e) {
            LOG.error("policy {} rejected: {}; the previous policy stays in force", file, e.getMessage());
            record(false, PolicyParser.documentHash(text), e.getMessage());
            loadedText = text;
            return false;
        }
    }

    private void accept(String text, Policy policy) {
        guard.replace(policy);
        loadedText = text;
        record(true, policy.hash(), null);
        LOG.info("policy {} in force: {} rules, sha256 {}", file, policy.rules().size(), policy.hash());
    }

    private void record(boolean accepted, String hash, String error) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("file", file.toString());
        detail.put("sha256", hash);
        detail.put("accepted", accepted);
        if (error != null) {
            detail.put("error", error);
        } else {
            detail.put("rules", guard.policy().rules().size());
        }
        log.append(new EvidenceEvent(Instant.now(), EventType.POLICY_CHANGED, GATEWAY, null, null, null, detail));
    }

    private String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyException("cannot read policy file " + file + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
