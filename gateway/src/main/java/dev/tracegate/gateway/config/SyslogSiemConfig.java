package dev.tracegate.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A syslog receiver that takes RFC 5424 messages over TLS (RFC 5425), octet-counted (RFC 6587).
 * There is no plain-TCP or UDP option: evidence events name people and what they ran.
 *
 * @param host          the receiver
 * @param port          its port (6514, syslog over TLS, by default)
 * @param caCertificate PEM file of the CA(s) its certificate must chain to; the JDK's CAs when absent
 * @param hostname      the HOSTNAME field of each message; this machine's name by default
 */
public record SyslogSiemConfig(String host, int port, String caCertificate, String hostname) {

    public SyslogSiemConfig {
        if (host == null || host.isBlank()) {
            throw new ConfigException("siem.syslog.host is required");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("siem.syslog.port must be 1..65535");
        }
        port = port == 0 ? 6514 : port;
        hostname = hostname == null ? localHostName() : hostname;
        if (!hostname.matches("[!-~]{1,255}")) {
            throw new ConfigException("siem.syslog.hostname must be 1 to 255 printable ASCII characters without spaces");
        }
    }

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.matches("[!-~]{1,255}") ? name : "-";
        } catch (UnknownHostException e) {
            return "-"; // RFC 5424's NILVALUE
        }
    }
}
