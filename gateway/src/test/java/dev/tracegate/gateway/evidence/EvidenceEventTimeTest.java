package dev.tracegate.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A leaf's time is part of what its hash commits to: the hand-written formatter must write exactly
 * what the RFC 3339 pattern of the leaf format (docs/evidence.md) writes, at every edge of the calendar and of
 * the fraction (it truncates to microseconds, never rounds).
 */
class EvidenceEventTimeTest {

    private static final DateTimeFormatter PATTERN =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void writesWhatThePatternWritesForEveryKindOfInstant() {
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("2024-02-29T12:00:00.000000500Z"), Instant.parse("2026-12-04T20:51:33.000001Z"),
                Instant.parse("1900-03-01T01:02:03.4Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59Z")));
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 20_000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L),
                    random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            EvidenceEvent event = new EvidenceEvent(instant, EventType.COMMAND, EvidenceEvent.GATEWAY, null, null, null, null);
            assertThat(event.leafTime()).as(instant.toString()).isEqualTo(PATTERN.format(instant));
        }
    }
}
