package dev.tracegate.gateway.engine;

import dev.tracegate.gateway.evidence.SourceAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Refused credentials per address: each address has an allowance of {@code perMinute} refusals,
 * given back at that rate, continuously. Past it, every further refusal from that address is
 * answered late: guessing slows to one try per delay and connection, while a valid credential from
 * the same address (a colleague behind the same NAT) is never delayed. Counted in whole calendar
 * minutes instead, a guesser got twice the allowance across a minute's turn, and three refusals
 * just before it were forgotten just after. At most {@value #TRACKED_SOURCES} addresses are
 * tracked; those whose allowance is whole again are forgotten first.
 */
final class FailedLogins {

    static final int TRACKED_SOURCES = 16_384;
    private static final double MINUTE_NANOS = 60_000_000_000.0;

    private final int perMinute;
    private final long delayMillis;
    private final LongSupplier nanoTime;
    private final Map<SourceAddress, Allowance> allowances = new HashMap<>();

    FailedLogins(int perMinute, long delayMillis, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.delayMillis = delayMillis;
        this.nanoTime = nanoTime;
    }

    /** Counts one refusal from {@code source}; how long to wait before saying so (0 within the allowance). */
    synchronized long refusedDelayMillis(SourceAddress source) {
        if (source == null) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        Allowance allowance = allowances.get(source);
        if (allowance == null) {
            if (allowances.size() >= TRACKED_SOURCES && !forgetWholeAllowances(now)) {
                return 0;
            }
            allowance = new Allowance(perMinute, now);
            allowances.put(source, allowance);
        }
        return allowance.take(now, perMinute) ? 0 : delayMillis;
    }

    /** Forgets the addresses whose allowance is whole again; whether that made room. */
    private boolean forgetWholeAllowances(long now) {
        allowances.values().removeIf(allowance -> allowance.leftAt(now, perMinute) >= perMinute);
        return allowances.size() < TRACKED_SOURCES;
    }

    /** What is left of one address's allowance, as worked out at {@code at}. */
    private static final class Allowance {
        private double left;
        private long at;

        Allowance(double left, long at) {
            this.left = left;
            this.at = at;
        }

        double leftAt(long now, int perMinute) {
            return Math.min(perMinute, left + (now - at) * perMinute / MINUTE_NANOS);
        }

        /** Takes one refusal from the allowance; {@code false} when none was left. */
        boolean take(long now, int perMinute) {
            left = leftAt(now, perMinute);
            at = now;
            if (left < 1) {
                return false;
            }
            left -= 1;
            return true;
        }
    }
}
