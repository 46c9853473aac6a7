package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.config.CallerLimits;
import dev.tracegate.gateway.config.ConfigException;
import org.junit.jupiter.api.Test;

/** How many sessions a heap holds, and that a place given back is given back once. */
class SessionMemoryTest {

    private static final long MIB = 1024 * 1024;

    private static CallerLimits budget(int perSessionKiB, int reservedMiB) {
        return new CallerLimits(0, 0, 0, 0, 0, 0, 0, 0, perSessionKiB, reservedMiB);
    }

    @Test
    void theHeapLessTheReserveDividedByTheBudgetIsTheCapacity() {
        assertThat(new SessionMemory(256 * MIB, budget(160, 64), null, System::nanoTime).capacity())
                .as("the shipped 256 MiB heap with the defaults").isEqualTo(1228);
        assertThat(new SessionMemory(1024 * MIB, CallerLimits.DEFAULTS, null, System::nanoTime).capacity()).isEqualTo(6144);
    }

    @Test
    void aHeapSmallerThanTwiceTheReserveKeepsHalfForTheGatewayAndStillHoldsASession() {
        assertThat(new SessionMemory(64 * MIB, budget(160, 64), null, System::nanoTime).capacity()).isEqualTo(204);
        assertThat(new SessionMemory(MIB, budget(1024, 64), null, System::nanoTime).capacity()).isEqualTo(1);
    }

    @Test
    void pastItsCapacityANewSessionIsRefusedUntilAPlaceIsGivenBackOnce() throws Exception {
        SessionMemory memory = new SessionMemory(3 * MIB, budget(1024, 1), null, System::nanoTime);
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
    void aNegativeBudgetIsAConfigurationError() {
        assertThatThrownBy(() -> budget(-1, 0)).isInstanceOf(ConfigException.class).hasMessageContaining("heapPerSessionKiB");
    }
}
