package dev.tracegate.gateway.postgres;

import dev.tracegate.wire.postgres.backend.RowDescription;

/**
 * What one bound portal returns, as the server described it. Masking needs each row's columns
 * and formats; pgjdbc runs named statements without a Describe, so when the client has not asked,
 * the gateway asks itself and keeps the answer from the client.
 */
final class PortalDescription {

    /** Client side only: a Describe of this portal is already on its way. */
    boolean requested;
    /**
     * Client side only: the session's command sequence when the Describe went out, or when the
     * portal last ran. SQL can replace a portal without a protocol message the gateway reads
     * ({@code CLOSE c; DECLARE c CURSOR FOR ...}, or a transaction's end and a new DECLARE), so
     * a description holds only while no other command has run since; after one, the portal is
     * described again before its rows are masked.
     */
    long asOf;
    /** Server side: the portal's row description; {@code null} until answered, or for NoData. */
    volatile RowDescription rows;
}
