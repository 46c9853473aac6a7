package dev.tracegate.gateway.config;

/**
 * Forwarding evidence events to a SIEM as OCSF-shaped JSON (docs/operations.md#siem-forwarding):
 * to a syslog receiver over TLS, to an HTTP endpoint, or both.
 *
 * @param queueEvents events waiting per destination at most; beyond it new events are dropped
 *                    (and counted), so a slow or absent SIEM never holds up a caller
 * @param syslog      RFC 5424 over TLS, octet-counted (RFC 5425/6587), or null
 * @param http        JSON batches POSTed to an endpoint, or null
 */
public record SiemConfig(int queueEvents, SyslogSiemConfig syslog, HttpSiemConfig http) {

    public static final int DEFAULT_QUEUE_EVENTS = 10_000;
    private static final int MAX_QUEUE_EVENTS = 1_000_000;

    public SiemConfig {
        if (queueEvents < 0 || queueEvents > MAX_QUEUE_EVENTS) {
            throw new ConfigException("siem.queueEvents must be between 1 and " + MAX_QUEUE_EVENTS);
        }
        queueEvents = queueEvents == 0 ? DEFAULT_QUEUE_EVENTS : queueEvents;
    }

    public static SiemConfig none() {
        return new SiemConfig(0, null, null);
    }

    public boolean enabled() {
        return syslog != null || http != null;
    }
}
