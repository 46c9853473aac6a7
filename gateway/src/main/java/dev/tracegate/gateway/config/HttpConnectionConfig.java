package dev.tracegate.gateway.config;

import java.util.List;
import java.util.Locale;

/**
 * An HTTP service.
 *
 * @param name          what clients ask for: the first path segment on the HTTP gateway
 * @param url           the target's base URL, e.g. {@code https://traces.internal:8443/api}
 * @param credential    the credential injected upstream; absent for none
 * @param hosts         host names that route to this connection without a path prefix
 * @param tls           how to check an {@code https} target ({@code verify-full} unless set)
 * @param caCertificate PEM file of the CA that signs the target's certificate, instead of the JDK's trusted CAs
 */
public record HttpConnectionConfig(String name, String url, HttpCredentialConfig credential, List<String> hosts,
                                   UpstreamTlsMode tls, String caCertificate) implements ConnectionConfig {

    public static final String PROTOCOL = "http";

    public HttpConnectionConfig {
        ConnectionConfig.requireName(name);
        ConnectionConfig.require(url, "connections[" + name + "].url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException("connection " + name + ": url must start with http:// or https://");
        }
        hosts = hosts == null ? List.of() : hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        tls = tls == null ? UpstreamTlsMode.VERIFY_FULL : tls;
    }

    public HttpConnectionConfig(String name, String url, HttpCredentialConfig credential, List<String> hosts) {
        this(name, url, credential, hosts, null, null);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public String target() {
        return url;
    }
}
