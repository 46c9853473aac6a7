package dev.tracegate.gateway.engine;

import io.micrometer.core.instrument.MeterRegistry;

/** A running listener of one protocol. Closing it stops accepting and ends its sessions. */
public interface ProtocolListener extends AutoCloseable {

    /** The protocol it speaks: {@code postgres}, {@code http}, ... */
    String protocol();

    /** The port it listens on (the one the system picked when configured as 0). */
    int port();

    /** Registers the listener's own meters, if it has any (PostgreSQL: its upstream pools). */
    default void bindTo(MeterRegistry registry) {
    }

    @Override
    void close();
}
