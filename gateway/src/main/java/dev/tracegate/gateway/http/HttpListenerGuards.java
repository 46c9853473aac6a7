package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.HttpListenerLimits;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@link HttpListenerLimits} put on a Jetty connector, the same for the HTTP gateway and the API
 * port: the idle timeout, the header deadline ({@link RequestHeaderDeadline}), the cap on open
 * connections (Jetty's {@link NetworkConnectionLimit}, which stops accepting at the cap) and the
 * minimum body rate (Jetty enforces it for servlet reads, the API's; the HTTP gateway reads bodies
 * through {@link MinimumRateInputStream}).
 */
public final class HttpListenerGuards {

    private HttpListenerGuards() {
    }

    public static void apply(Server server, ServerConnector connector, HttpConfiguration http, HttpListenerLimits limits) {
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(limits.idleTimeoutSeconds()));
        http.setMinRequestDataRate(limits.minRequestBytesPerSecond());
        NetworkConnectionLimit cap = new NetworkConnectionLimit(limits.maxConnections(), connector);
        // At the cap, open connections may idle only as long as the header deadline, so slots come back sooner.
        cap.setEndPointIdleTimeout(TimeUnit.SECONDS.toMillis(Math.min(limits.idleTimeoutSeconds(), limits.headerTimeoutSeconds())));
        server.addBean(cap);
        RequestHeaderDeadline deadline = new RequestHeaderDeadline(limits.headerTimeoutSeconds(), connector.getScheduler());
        connector.addEventListener(deadline);
        connector.addBean(deadline);
    }
}
