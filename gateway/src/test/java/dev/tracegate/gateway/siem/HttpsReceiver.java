package dev.tracegate.gateway.siem;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS collector (the JDK's HTTP server) that keeps each request's body and Authorization
 * header, and answers 503 to the first {@code failFirst} requests as a collector that is
 * restarting would. A peer the tests start.
 */
final class HttpsReceiver implements AutoCloseable {

    /** One request: its Authorization header and its body. */
    record Request(String authorization, String body) {
    }

    private final HttpsServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger toFail;

    private HttpsReceiver(HttpsServer server, int failFirst) {
        this.server = server;
        this.toFail = new AtomicInteger(failFirst);
        server.createContext("/ingest", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = toFail.getAndDecrement() > 0 ? 503 : 200;
            if (status == 200) {
                requests.add(new Request(exchange.getRequestHeaders().getFirst("Authorization"), body));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    static HttpsReceiver start(SSLContext tls, int failFirst) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new HttpsReceiver(server, failFirst);
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/ingest";
    }

    BlockingQueue<Request> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
