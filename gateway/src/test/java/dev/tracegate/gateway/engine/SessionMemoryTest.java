package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.evidence.SourceAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How many sessions a heap holds, and that a place given back is given back once. */
class SessionMemoryTest {

    private static final long MIB = 1024 * 1024;

    private static CallerLimits budget(int perSessionKiB, int reservedMiB) {
        return new CallerLimits(0, 0, 0, 0, 0, 0, 0, 0, perSessionKiB, reservedMiB);
    }

    @Test
    void theHeapLessTheReserveDividedByTheBudgetIsTheCapacity() {
        assertThat(new SessionMemory(256 * MIB, budget(160, 64), event -> { }, System::nanoTime).capacity())
                .as("the shipped 256 MiB heap with the defaults").isEqualTo(1228);
        assertThat(new SessionMemory(1024 * MIB, CallerLimits.DEFAULTS, event -> { }, System::nanoTime).capacity()).isEqualTo(6144);
    }

    @Test
    void aHeapSmallerThanTwiceTheReserveKeepsHalfForTheGatewayAndStillHoldsASession() {
        assertThat(new SessionMemory(64 * MIB, budget(160, 64), event -> { }, System::nanoTime).capacity()).isEqualTo(204);
        assertThat(new SessionMemory(MIB, budget(1024, 64), event -> { }, System::nanoTime).capacity()).isEqualTo(1);
    }

    @Test
    void pastItsCapacityANewSessionIsRefusedUntilAPlaceIsGivenBackOnce() throws Exception {
        SessionMemory memory = new SessionMemory(3 * MIB, budget(1024, 1), event -> { }, System::nanoTime);
        assertThat(memory.capacity()).isEqualTo(2);
        SessionMemory.Place first = memory.take("postgres", null);
        memory.take("mysql", null);
        assertThatThrownBy(() -> memory.take("http", null)).isInstanceOf(TooManyConnectionsException.class)
                .hasMessage("too many connections: the gateway's memory holds 2 sessions (limits.heapPerSessionKiB = 1024 KiB"
                        + " each, of a 3 MiB heap less limits.heapReservedMiB) and all of them are in use; try again later");
        assertThat(memory.refused()).isEqualTo(1);
        first.close();
        first.close();
        assertThat(memory.open()).as("a place closed twice is given back once").isEqualTo(1);
        memory.take("ssh", null);
        assertThatThrownBy(() -> memory.take("ssh", null)).isInstanceOf(TooManyConnectionsException.class);
    }

    @Test
    void refusalsAreRecordedAtMostOnceAMinuteWithTheCountSinceTheLast() throws Exception {
        AtomicLong nanos = new AtomicLong();
        List<EvidenceEvent> recorded = new ArrayList<>();
        SessionMemory memory = new SessionMemory(3 * MIB, budget(1024, 1), recorded::add, nanos::get);
        memory.take("postgres", null);
        memory.take("postgres", null);
        for (int second : new int[] {0, 10, 59}) {
            nanos.set(TimeUnit.SECONDS.toNanos(second));
            assertThatThrownBy(() -> memory.take("postgres", SourceAddress.parse("192.0.2.7")))
                    .isInstanceOf(TooManyConnectionsException.class);
        }
        assertThat(recorded).as("the first refusal, at once").hasSize(1);
        nanos.set(TimeUnit.SECONDS.toNanos(61));
        assertThatThrownBy(() -> memory.take("mysql", null)).isInstanceOf(TooManyConnectionsException.class);
        assertThat(recorded).hasSize(2);
        assertThat(recorded).allSatisfy(event -> {
            assertThat(event.type()).isEqualTo(EventType.SESSION_REFUSED);
            assertThat(event.detail().path("limit").asText()).isEqualTo("limits.heapPerSessionKiB");
            assertThat(event.detail().path("capacity").asInt()).isEqualTo(2);
        });
        assertThat(recorded.get(0).detail().path("count").asLong()).isEqualTo(1);
        assertThat(recorded.get(0).detail().path("source").asText()).isEqualTo("192.0.2.7");
        assertThat(recorded.get(1).detail().path("count").asLong()).as("the two in between and this one").isEqualTo(3);
        assertThat(recorded.get(1).detail().path("protocol").asText()).isEqualTo("mysql");
        assertThat(memory.refused()).isEqualTo(4);
    }

    @Test
    void aNegativeBudgetIsAConfigurationError() {
        assertThatThrownBy(() -> budget(-1, 0)).isInstanceOf(ConfigException.class).hasMessageContaining("heapPerSessionKiB");
    }
}
