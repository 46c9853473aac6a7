package dev.tracegate.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.evidence.EventType;
import dev.tracegate.gateway.evidence.EvidenceEvent;
import dev.tracegate.gateway.guard.PolicyFileWatcher;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/**
 * The {@code gateway.started} event: a start (or restart) of the gateway, with its version, host
 * and the evidence settings in force from then on, so an audit report can show restarts and the
 * retention that applied without trusting anything outside the log.
 */
final class GatewayStart {
    private GatewayStart() {
    }

    static EvidenceEvent event(GatewayConfig config) {
        ObjectNode detail = EvidenceEvent.newDetail();
        String version = GatewayStart.class.getPackage().getImplementationVersion();
        detail.put("version", version == null ? "development build" : version);
        detail.put("host", host());
        detail.put("origin", config.evidence().origin());
        ObjectNode evidence = detail.putObject("evidence");
        evidence.put("checkpoint_interval_seconds", config.evidence().checkpointIntervalSeconds());
        evidence.put("blob_retention_days", config.evidence().blobRetentionDays());
        evidence.put("result_data_bytes", config.evidence().resultDataBytes());
        evidence.put("fsync", config.evidence().fsync());
        evidence.put("store", config.store() == null ? "h2" : config.store().type());
        config.connections().stream().map(ConnectionConfig::name).sorted().forEach(detail.putArray("connections")::add);
        return new EvidenceEvent(Instant.now(), EventType.GATEWAY_STARTED, PolicyFileWatcher.GATEWAY, null, null, null, detail);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
