package dev.tracegate.gateway.api;

import dev.tracegate.gateway.engine.SessionAdmission;
import dev.tracegate.gateway.config.ListenerConfig;
import dev.tracegate.gateway.http.HttpListenerGuards;
import dev.tracegate.gateway.tls.GatewayTls;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The API port speaks HTTPS with the gateway's certificate (the one its PostgreSQL and HTTP
 * listeners present) and plain HTTP on the same port; plain HTTP is answered only for clients on
 * this machine, since bearer tokens and console cookies cross it.
 */
final class ApiConnector {

    private ApiConnector() {
    }

    static Connector create(Server server, HttpConfiguration http, ListenerConfig config, GatewayTls tls) {
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // a self-signed certificate for "localhost" is reached by any name
        http.addCustomizer(secure);
        http.setSendServerVersion(false);
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        SslContextFactory.Server context = new SslContextFactory.Server();
        context.setSslContext(tls.context());
        SslConnectionFactory encrypted = new SslConnectionFactory(context, plain.getProtocol());
        ServerConnector connector = new ServerConnector(server, new DetectorConnectionFactory(encrypted), plain);
        connector.setHost(config.address());
        connector.setPort(config.port());
        HttpListenerGuards.apply(server, connector, http, config.httpLimits());
        return connector;
    }

    static void requireTlsOffLoopback(Context ctx) {
        if (SessionAdmission.transportRefusal(ctx.req().isSecure(), ctx.req().getRemoteAddr(), true).isPresent()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "plain HTTP is accepted from this machine only: use https://"
                    + ctx.host() + ctx.path());
        }
    }
}
