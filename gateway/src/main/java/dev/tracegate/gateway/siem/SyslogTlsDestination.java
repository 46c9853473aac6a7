package dev.tracegate.gateway.siem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.SyslogSiemConfig;
import dev.tracegate.gateway.tls.TrustAnchors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A syslog receiver over TLS (RFC 5425): each event one RFC 5424 message, facility "log audit",
 * its MSG the OCSF JSON, framed by octet counting ({@code LENGTH SP MESSAGE}, RFC 6587 section
 * 3.4.1) so that newlines inside a statement cannot split or forge a message. The receiver's
 * certificate and host name are checked. The connection stays open between batches and is
 * opened again after a failure.
 */
final class SyslogTlsDestination implements SiemDestination {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FACILITY_LOG_AUDIT = 13;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final SyslogSiemConfig config;
    private final SSLSocketFactory sockets;
    private SSLSocket socket;

    SyslogTlsDestination(SyslogSiemConfig config) {
        this.config = config;
        try {
            this.sockets = TrustAnchors.clientContext(config.caCertificate()).getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("siem.syslog: cannot set up TLS: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "syslog";
    }

    @Override
    public int batchEvents() {
        return 100;
    }

    @Override
    public void send(List<ObjectNode> events) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (ObjectNode event : events) {
            byte[] message = message(event);
            frames.writeBytes((message.length + " ").getBytes(StandardCharsets.US_ASCII));
            frames.writeBytes(message);
        }
        try {
            OutputStream out = connected().getOutputStream();
            frames.writeTo(out);
            out.flush();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG}. */
    private byte[] message(ObjectNode event) throws IOException {
        int severity = OcsfMapping.Severity.of(event.path("severity_id").asInt()).syslog();
        String header = "<" + (FACILITY_LOG_AUDIT * 8 + severity) + ">1 "
                + TIMESTAMP.format(Instant.ofEpochMilli(event.path("time").asLong())) + " "
                + config.hostname() + " tracegate - " + msgId(event.path("metadata").path("event_code").asText()) + " - ";
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        message.writeBytes(JSON.writeValueAsBytes(event));
        return message.toByteArray();
    }

    /** MSGID is 1 to 32 printable US-ASCII characters. */
    private static String msgId(String type) {
        String id = type.replaceAll("[^!-~]", "_");
        return id.isEmpty() ? "-" : id.substring(0, Math.min(32, id.length()));
    }

    private SSLSocket connected() throws IOException {
        if (socket == null || socket.isClosed()) {
            SSLSocket opened = (SSLSocket) sockets.createSocket();
            try {
                SSLParameters parameters = opened.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // check the host name, as for HTTPS
                opened.setSSLParameters(parameters);
                opened.connect(new InetSocketAddress(config.host(), config.port()), CONNECT_TIMEOUT_MILLIS);
                opened.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
                opened.startHandshake();
            } catch (IOException e) {
                opened.close();
                throw e;
            }
            socket = opened;
        }
        return socket;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing after a failure: nothing more to do
            }
            socket = null;
        }
    }
}
