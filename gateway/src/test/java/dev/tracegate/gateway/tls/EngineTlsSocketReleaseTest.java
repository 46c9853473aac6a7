package dev.tracegate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tracegate.gateway.config.TlsConfig;
import dev.tracegate.gateway.config.TlsEngine;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BoringSSL's engines are reference-counted, with no finalizer behind them: a connection that ends
 * in any way must free its engine's native state, or a storm of connections leaks native memory
 * for good. Each way a connection ends: after a handshake, in a failed handshake, and before its
 * socket could be set up at all (the client gone between accept and TLS).
 */
class EngineTlsSocketReleaseTest {

    @TempDir
    Path dataDir;

    private BoringSslServer server;

    @BeforeEach
    void boringSsl() throws Exception {
        assumeThat(BoringSslServer.unavailability()).isEmpty();
        GatewayTls.load(new TlsConfig(null, null, TlsEngine.OPENSSL), dataDir);
        Path dir = dataDir.resolve("tls");
        char[] password = Files.readString(dir.resolve("gateway.p12.password"), StandardCharsets.UTF_8).strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("gateway.p12"))) {
            store.load(in, password);
        }
        server = BoringSslServer.of(store, password);
    }

    @Test
    void aConnectionThatEndsAfterItsHandshakeFreesItsEngine() throws Exception {
        SSLEngine engine = server.newEngine();
        GatewayTls clients = GatewayTls.load(new TlsConfig(null, null, TlsEngine.JDK), dataDir);
        try (ServerSocket listener = listener()) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket socket = listener.accept(); EngineTlsSocket tls = new EngineTlsSocket(socket, null, engine)) {
                    tls.startHandshake();
                    tls.getOutputStream().write('S');
                    tls.getOutputStream().flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, task -> Thread.ofPlatform().daemon().start(task));
            try (SSLSocket client = (SSLSocket) clients.loopbackClient().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.startHandshake();
                assertThat(client.getInputStream().read()).isEqualTo('S');
            }
            served.get(30, TimeUnit.SECONDS);
        }
        assertThat(((ReferenceCounted) engine).refCnt()).isZero();
    }

    @Test
    void aFailedHandshakeFreesItsEngine() throws Exception {
        SSLEngine engine = server.newEngine();
        try (ServerSocket listener = listener();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            EngineTlsSocket tls = new EngineTlsSocket(accepted, null, engine);
            assertThatThrownBy(tls::startHandshake).isInstanceOf(IOException.class);
        }
        assertThat(((ReferenceCounted) engine).refCnt()).isZero();
    }

    @Test
    void aSocketClosedBeforeTlsBeganFreesTheEngineItWasGiven() throws Exception {
        SSLEngine engine = server.newEngine();
        try (ServerSocket listener = listener();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            Socket accepted = listener.accept();
            accepted.close();
            assertThatThrownBy(() -> new EngineTlsSocket(accepted, null, engine)).isInstanceOf(IOException.class);
        }
        assertThat(((ReferenceCounted) engine).refCnt()).isZero();
    }

    private static ServerSocket listener() throws IOException {
        return new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }
}
