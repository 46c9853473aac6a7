package dev.tracegate.gateway.ssh;

import dev.tracegate.gateway.engine.EngineServices;

/**
 * What every channel of one SSH listener uses.
 *
 * @param services the shared seam
 * @param gate     requests through the Guard and the command gate
 * @param hosts    the gateway's SSH client of the configured hosts
 */
record SshListenerContext(EngineServices services, SshRequestGate gate, UpstreamHosts hosts) {
}
