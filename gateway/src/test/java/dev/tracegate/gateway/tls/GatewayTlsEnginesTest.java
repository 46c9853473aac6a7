package dev.tracegate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tracegate.gateway.config.TlsConfig;
import dev.tracegate.gateway.config.TlsEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database listeners' TLS with each {@code tls.engine}, against the JDK's TLS client on
 * loopback: what a session relies on of its {@link SSLSocket} (both directions at once, records
 * larger than a read, a timed-out read that resumes, the client's end, ALPN, a client that does
 * not speak TLS) holds for BoringSSL's engine as for the JDK's.
 */
class GatewayTlsEnginesTest {

    /** A thread per task: the common pool has one worker on two cores, and these tasks block on each other. */
    private static final Executor THREADS = task -> Thread.ofPlatform().daemon().start(task);

    @TempDir
    Path dataDir;

    @Test
    void autoTerminatesWithBoringSslWhereItsLibraryLoads() {
        String arch = System.getProperty("os.arch");
        assumeThat(System.getProperty("os.name")).startsWith("Linux");
        assumeThat(arch).isIn("amd64", "x86_64", "aarch64");
        assertThat(GatewayTls.load(new TlsConfig(null, null), dataDir).engineName()).isEqualTo("openssl");
        assertThat(GatewayTls.load(new TlsConfig(null, null, TlsEngine.JDK), dataDir).engineName()).isEqualTo("jdk");
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void bothDirectionsAtOnceWithRecordsLargerThanARead(TlsEngine engine) throws Exception {
        GatewayTls tls = GatewayTls.load(new TlsConfig(null, null, engine), dataDir);
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);
        try (ServerSocket listener = listener()) {
            // The server echoes while the client is still writing: its reads and writes overlap.
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> echo(tls, listener), THREADS);
            try (SSLSocket client = client(tls, listener, "postgresql")) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = client.getOutputStream();
                        for (int offset = 0; offset < payload.length; offset += 65_537) {
                            out.write(payload, offset, Math.min(65_537, payload.length - offset));
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, THREADS);
                byte[] echoed = client.getInputStream().readNBytes(payload.length);
                writer.get(30, TimeUnit.SECONDS);
                assertThat(Arrays.equals(echoed, payload)).as("the echo is the payload, byte for byte").isTrue();
                assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(client.getApplicationProtocol()).isEqualTo("postgresql");
            }
            server.get(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aTimedOutReadResumesAndTheClientsEndReadsAsTheStreamsEnd(TlsEngine engine) throws Exception {
        GatewayTls tls = GatewayTls.load(new TlsConfig(null, null, engine), dataDir);
        try (ServerSocket listener = listener()) {
            CompletableFuture<SSLSocket> accepted = CompletableFuture.supplyAsync(() -> accept(tls, listener), THREADS);
            try (SSLSocket client = client(tls, listener, null)) {
                SSLSocket server = accepted.get(30, TimeUnit.SECONDS);
                assertThat(server.getSession().getProtocol()).isEqualTo("TLSv1.3");
                server.setSoTimeout(200);
                InputStream in = server.getInputStream();
                assertThatThrownBy(() -> in.read(new byte[16])).isInstanceOf(SocketTimeoutException.class);
                assertThat(in.available()).isZero();
                client.getOutputStream().write("after the timeout".getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().flush();
                server.setSoTimeout(10_000);
                byte[] first = new byte[5];
                assertThat(in.read(first)).isEqualTo(5);
                // The rest of the record is decrypted and waiting: available without a read of the socket.
                assertThat(in.available()).isEqualTo("after the timeout".length() - 5);
                assertThat(new String(in.readNBytes(in.available()), StandardCharsets.UTF_8)).isEqualTo(" the timeout");
                server.getOutputStream().write('!');
                server.getOutputStream().flush();
                assertThat(client.getInputStream().read()).isEqualTo('!');
                client.close();
                assertThat(in.read()).isEqualTo(-1);
                server.close();
                assertThat(server.isClosed()).isTrue();
            }
        }
    }

    /**
     * A client that closes while the gateway still has results to send (a slow reader giving up):
     * the engine, once it has read the client's close_notify, encrypts nothing more, and a write
     * that kept offering it the same bytes spun forever under the write lock, holding the session,
     * its upstream backend and a core (SlowReaderTest, one run in two). The write fails instead.
     */
    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aWriteAfterTheClientClosedFailsInsteadOfSpinning(TlsEngine engine) throws Exception {
        GatewayTls tls = GatewayTls.load(new TlsConfig(null, null, engine), dataDir);
        try (ServerSocket listener = listener()) {
            CompletableFuture<SSLSocket> accepted = CompletableFuture.supplyAsync(() -> accept(tls, listener), THREADS);
            SSLSocket client = client(tls, listener, null);
            try (SSLSocket server = accepted.get(30, TimeUnit.SECONDS)) {
                client.close();
                server.setSoTimeout(10_000);
                assertThat(server.getInputStream().read()).as("the client's close_notify ends the stream").isEqualTo(-1);
                CompletableFuture<Throwable> write = CompletableFuture.supplyAsync(() -> {
                    try {
                        byte[] rows = new byte[64 * 1024];
                        for (int i = 0; i < 1024; i++) {
                            server.getOutputStream().write(rows);
                        }
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                }, THREADS);
                assertThat(write.get(30, TimeUnit.SECONDS)).as("64 MiB to a closed client")
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aClientThatDoesNotSpeakTlsFailsTheHandshakeAndIsClosed(TlsEngine engine) throws Exception {
        GatewayTls tls = GatewayTls.load(new TlsConfig(null, null, engine), dataDir);
        try (ServerSocket listener = listener()) {
            CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = listener.accept()) {
                    tls.accept(socket, null);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            }, THREADS);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                assertThat(failure.get(30, TimeUnit.SECONDS)).isInstanceOf(SSLException.class);
                ByteArrayOutputStream rest = new ByteArrayOutputStream();
                client.setSoTimeout(10_000);
                client.getInputStream().transferTo(rest);
                assertThat(rest.toString(StandardCharsets.ISO_8859_1)).doesNotContain("HTTP");
            }
        }
    }

    /**
     * A direct-TLS client that offers only another protocol (an HTTPS client sent to the port) never
     * gets {@code postgresql}: the JDK's engine fails the handshake (no_application_protocol), and
     * BoringSSL's, which does not advertise what it does not share, completes it with no protocol,
     * which the PostgreSQL session refuses with FATAL 08P01 as it refuses no ALPN at all.
     */
    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void aClientOfferingOnlyAnotherProtocolNeverGetsPostgresql(TlsEngine engine) throws Exception {
        GatewayTls tls = GatewayTls.load(new TlsConfig(null, null, engine), dataDir);
        try (ServerSocket listener = listener()) {
            CompletableFuture<Object> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    SSLSocket server = tls.accept(listener.accept(), null);
                    return String.valueOf(server.getApplicationProtocol());
                } catch (IOException e) {
                    return e;
                }
            }, THREADS);
            if (engine == TlsEngine.JDK) {
                assertThatThrownBy(() -> client(tls, listener, "http/1.1")).isInstanceOf(SSLException.class);
                assertThat(accepted.get(30, TimeUnit.SECONDS)).isInstanceOf(SSLException.class);
            } else {
                try (SSLSocket client = client(tls, listener, "http/1.1")) {
                    assertThat(client.getApplicationProtocol()).isNotEqualTo("postgresql");
                    assertThat(accepted.get(30, TimeUnit.SECONDS)).isIn("", "null");
                }
            }
        }
    }

    private static ServerSocket listener() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static SSLSocket accept(GatewayTls tls, ServerSocket listener) {
        try {
            return tls.accept(listener.accept(), null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void echo(GatewayTls tls, ServerSocket listener) {
        try (SSLSocket session = accept(tls, listener)) {
            session.getInputStream().transferTo(session.getOutputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLSocket client(GatewayTls tls, ServerSocket listener, String alpn) throws IOException {
        SSLSocket client = (SSLSocket) tls.loopbackClient().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        if (alpn != null) {
            SSLParameters parameters = client.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {alpn});
            client.setSSLParameters(parameters);
        }
        client.startHandshake();
        return client;
    }
}
