package dev.tracegate.gateway.http;

import dev.tracegate.gateway.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Requests answered {@code 202 Accepted} while they wait for approval, by approval id, so their
 * callers can collect the answer from {@code /_tracegate/requests/<id>}. Only the caller who sent
 * a request can collect it. Bounded: at most {@link #MAX_ENTRIES}, each kept for {@link #KEEP}.
 */
final class DeferredResponses {

    static final int MAX_ENTRIES = 1000;
    static final Duration KEEP = Duration.ofHours(24);
    static final String PATH_PREFIX = "/_tracegate/requests/";

    /** One held request: whose it is (issuer and subject) and where its answer goes. */
    record Deferred(Identity requester, Instant createdAt, StoredResponse response) {
    }

    private final Map<String, Deferred> entries = new LinkedHashMap<>();
    private final Clock clock;

    DeferredResponses(Clock clock) {
        this.clock = clock;
    }

    synchronized StoredResponse add(String approvalId, Identity requester) {
        evict();
        while (entries.size() >= MAX_ENTRIES) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        StoredResponse response = new StoredResponse();
        entries.put(approvalId, new Deferred(requester, clock.instant(), response));
        return response;
    }

    synchronized Optional<Deferred> find(String approvalId) {
        evict();
        return Optional.ofNullable(entries.get(approvalId));
    }

    private void evict() {
        Instant cutoff = clock.instant().minus(KEEP);
        entries.values().removeIf(entry -> entry.createdAt().isBefore(cutoff));
    }
}
