package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.evidence.SourceAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Refused credentials per address and minute. Past {@code perMinute} of them, every further
 * refusal from that address is answered late: guessing slows to one try per delay and connection,
 * while a valid credential from the same address (a colleague behind the same NAT) is never
 * delayed. The map is cleared each minute and tracks at most {@value #TRACKED_SOURCES} addresses.
 */
final class FailedLogins {

    static final int TRACKED_SOURCES = 16_384;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final int perMinute;
    private final long delayMillis;
    private final LongSupplier nanoTime;
    private final Map<SourceAddress, Integer> thisMinute = new HashMap<>();
    private long minute;

    FailedLogins(int perMinute, long delayMillis, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.delayMillis = delayMillis;
        this.nanoTime = nanoTime;
        this.minute = nanoTime.getAsLong() / MINUTE_NANOS;
    }

    /** Counts one refusal from {@code source}; how long to wait before saying so (0 within the allowance). */
    synchronized long refusedDelayMillis(SourceAddress source) {
        long now = nanoTime.getAsLong() / MINUTE_NANOS;
        if (now != minute) {
            minute = now;
            thisMinute.clear();
        }
        if (source == null || (!thisMinute.containsKey(source) && thisMinute.size() >= TRACKED_SOURCES)) {
            return 0;
        }
        int count = thisMinute.merge(source, 1, Integer::sum);
        return count > perMinute ? delayMillis : 0;
    }
}
