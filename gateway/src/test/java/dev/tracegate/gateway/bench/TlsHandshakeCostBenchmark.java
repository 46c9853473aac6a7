package dev.tracegate.gateway.bench;

import dev.tracegate.gateway.config.TlsConfig;
import dev.tracegate.gateway.config.TlsEngine;
import dev.tracegate.gateway.tls.GatewayTls;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * What one TLS handshake costs the gateway's accepting thread, in isolation (printed, never
 * asserted): the gateway's own {@link GatewayTls} (its self-signed EC P-256 certificate, TLS 1.3
 * and 1.2, the ALPN it offers) against a JSSE client on loopback, one handshake at a time, cold
 * and then after a warm-up, with X25519 and with P-256 as the key exchange, and with the client
 * offering only TLS_AES_128_GCM_SHA256 (what the server would pick if it preferred it to the
 * TLS_AES_256_GCM_SHA384 both sides put first: SHA-256 has the CPU's SHA instructions, SHA-384
 * not), for each {@code tls.engine}: the JDK's TLS, then BoringSSL. The connection storm
 * of {@code bench/run} charges the gateway's whole CPU per connection, under 500 concurrent
 * handshakes and a JIT that has not yet compiled the start-up path; this says how much of that is
 * the handshake itself.
 *
 * <p>Run: {@code ./mvnw -q -pl gateway exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.gateway.bench.TlsHandshakeCostBenchmark [-Dexec.args="handshakes"]}
 * (default 2,000 warm-up and 1,000 measured handshakes per case).
 */
public final class TlsHandshakeCostBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private TlsHandshakeCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int measured = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        boolean quick = System.getenv("TRACEGATE_BENCH_QUICK") != null;
        int warmUp = quick ? measured / 2 : measured * 2;
        Path dataDir = Files.createTempDirectory("tls-handshake-cost");
        System.out.printf("TLS handshake cost on the gateway's accepting thread (%d cores), one at a time%n",
                Runtime.getRuntime().availableProcessors());
        // The JDK's engine first: its cold figure must not follow handshakes that compiled the JSSE code both sides share.
        for (TlsEngine engine : new TlsEngine[] {TlsEngine.JDK, TlsEngine.OPENSSL}) {
            GatewayTls tls = GatewayTls.load(new TlsConfig(null, null, engine), dataDir);
            String name = tls.engineName();
            System.out.printf("%-56s %8.2f ms CPU per handshake%n", name + ": cold (first 100, X25519)",
                    perHandshake(tls, "x25519", null, 0, 100));
            for (String group : new String[] {"x25519", "secp256r1"}) {
                System.out.printf("%-56s %8.2f ms CPU per handshake%n", name + ": warm (" + group + ", TLS 1.3)",
                        perHandshake(tls, group, null, warmUp, measured));
            }
            System.out.printf("%-56s %8.2f ms CPU per handshake%n",
                    name + ": warm (x25519, TLS 1.3, TLS_AES_128_GCM_SHA256)",
                    perHandshake(tls, "x25519", "TLS_AES_128_GCM_SHA256", warmUp, measured));
        }
    }

    /**
     * The server thread's CPU per handshake over {@code measured} handshakes after {@code warmUp}
     * uncounted ones; {@code suite} null leaves the client's cipher suites as the JDK sets them.
     */
    private static double perHandshake(GatewayTls tls, String group, String suite, int warmUp, int measured) throws Exception {
        AtomicLong cpuNanos = new AtomicLong();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().start(() -> accept(tls, listener, warmUp, measured, cpuNanos));
            for (int i = 0; i < warmUp + measured; i++) {
                connect(tls, listener.getLocalPort(), group, suite);
            }
            server.join();
        }
        return cpuNanos.get() / 1e6 / measured;
    }

    private static void accept(GatewayTls tls, ServerSocket listener, int warmUp, int measured, AtomicLong cpuNanos) {
        try {
            for (int i = 0; i < warmUp + measured; i++) {
                try (Socket socket = listener.accept()) {
                    long start = THREADS.getCurrentThreadCpuTime();
                    SSLSocket session = tls.accept(socket, null);
                    session.getOutputStream().write('S');
                    session.getOutputStream().flush();
                    if (i >= warmUp) {
                        cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - start);
                    }
                    session.close();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the benchmark's server side failed", e);
        }
    }

    private static void connect(GatewayTls tls, int port, String group, String suite) throws IOException {
        try (SSLSocket client = (SSLSocket) tls.loopbackClient().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            SSLParameters parameters = client.getSSLParameters();
            parameters.setNamedGroups(new String[] {group});
            parameters.setProtocols(new String[] {"TLSv1.3"});
            if (suite != null) {
                parameters.setCipherSuites(new String[] {suite});
            }
            client.setSSLParameters(parameters);
            client.startHandshake();
            if (client.getInputStream().read() != 'S') {
                throw new IOException("the server side did not answer after its handshake");
            }
        }
    }
}
