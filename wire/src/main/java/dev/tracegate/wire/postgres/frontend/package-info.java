/**
 * Messages a client sends: the untyped first packet ({@link dev.tracegate.wire.postgres.frontend.StartupPacket})
 * and the typed messages of the simple and extended query protocols, authentication answers and COPY.
 */
package dev.tracegate.wire.postgres.frontend;
