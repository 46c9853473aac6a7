import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The floor under the gateway's HTTP path: a reverse proxy built from exactly the parts the
 * gateway proxies with, doing nothing else, so its CPU per request is what Jetty's way of
 * proxying costs before any authentication, policy, recording, masking or evidence.
 *
 * <ul>
 *   <li>the server: Jetty 12 on a {@code QueuedThreadPool} whose blocking work runs on virtual
 *       threads ({@code virtual}, as {@code HttpGatewayListener}) or on the pool's platform threads
 *       ({@code platform}), the same HTTP configuration (16 KiB of headers, no Server header);</li>
 *   <li>the client: Jetty's {@code HttpClient} on the server's thread pool and buffers, with the
 *       transport non-blocking and the pool, timeouts and browser features set as the gateway's
 *       {@code TargetHttpClient} sets them;</li>
 *   <li>each request, on its own (virtual) thread as the gateway's {@code ProxiedRequest}: its
 *       headers copied but the hop-by-hop ones and {@code Authorization}, which is replaced by the
 *       target's token (haproxy's set-up does the same); its body, if any, streamed to the target;
 *       the thread waits for the target's status and headers, then reads the answer's body from
 *       Jetty's content source as it is parsed and writes each chunk to the client;</li>
 *   <li>{@code async}: for comparison, no thread of the request's own: a non-blocking handler
 *       sends the request, and the answer is copied to the client where Jetty's client parses
 *       it, on its selector's thread (the way of Jetty's own asynchronous proxy).</li>
 * </ul>
 *
 * <p>Run: {@code java -cp "cli/target/tracegate-cli.jar:cli/target/lib/*" HttpFloor.java virtual|platform|async LISTEN_PORT TARGET_PORT TOKEN}.
 * Used by {@code bench/http-floor/run}; not part of the product.
 */
public final class HttpFloor {

    /** Headers of one hop, never relayed (RFC 9110 7.6.1), and those the proxy sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length", "authorization");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade");

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (!Set.of("virtual", "platform", "async").contains(mode)) {
            throw new IllegalArgumentException("mode: virtual, platform or async");
        }
        int listen = Integer.parseInt(args[1]);
        int target = Integer.parseInt(args[2]);
        String authorization = "Bearer " + args[3];

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("http-floor");
        if (!mode.equals("platform")) {
            threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        }
        Server server = new Server(threads);
        threads.start(); // before the client that shares it, as the gateway does
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(16 * 1024);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(listen);
        server.addConnector(connector);
        HttpClient client = client(threads, server);
        String base = "http://127.0.0.1:" + target;
        server.setHandler(mode.equals("async") ? new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                upstream(client, base, authorization, request).send(new Forwarding(response, callback));
                return true;
            }
        } : new Handler.Abstract() { // blocking: each request runs on a thread of its own
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                try {
                    relay(client, base, authorization, request, response);
                    callback.succeeded();
                } catch (Throwable failure) {
                    callback.failed(failure);
                }
                return true;
            }
        });
        server.start();
        System.out.println("listening on " + listen);
        server.join();
    }

    /** As the gateway's TargetHttpClient, without TLS: the target is on loopback in cleartext. */
    private static HttpClient client(QueuedThreadPool threads, Server server) throws Exception {
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP();
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        client.setExecutor(threads);
        client.setByteBufferPool(server.getByteBufferPool());
        client.setName("http-floor-target");
        client.setConnectTimeout(10_000);
        client.setIdleTimeout(30_000);
        client.setMaxConnectionsPerDestination(1024);
        client.setRequestBufferSize(32 * 1024);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setDefaultRequestContentType(null);
        client.start();
        client.getProtocolHandlers().clear();
        client.getContentDecoderFactories().clear();
        return client;
    }

    private static void relay(HttpClient client, String base, String authorization, Request request, Response response)
            throws Exception {
        Answer answer = new Answer();
        upstream(client, base, authorization, request).send(answer);
        Head head = answer.await();
        returnHead(head.response(), response);
        stream(head.body(), response);
    }

    /** The client's request as the target gets it. */
    private static org.eclipse.jetty.client.Request upstream(HttpClient client, String base, String authorization,
                                                             Request request) {
        org.eclipse.jetty.client.Request upstream = client.newRequest(base + request.getHttpURI().getPathQuery())
                .method(request.getMethod())
                .headers(headers -> {
                    for (HttpField field : request.getHeaders()) {
                        if (!NOT_FORWARDED.contains(field.getLowerCaseName())) {
                            headers.add(field);
                        }
                    }
                    headers.put("Authorization", authorization);
                });
        long length = request.getLength();
        if (length != 0) { // -1: chunked
            upstream.body(new RequestBody(request));
        }
        return upstream;
    }

    private static void returnHead(org.eclipse.jetty.client.Response from, Response to) {
        to.setStatus(from.getStatus());
        HttpFields.Mutable headers = to.getHeaders();
        for (HttpField field : from.getHeaders()) {
            if (!NOT_RETURNED.contains(field.getLowerCaseName())) {
                headers.add(field);
            }
        }
    }

    /** The answer's body as Jetty parses it, each chunk written to the client before the next is read. */
    private static void stream(Content.Source body, Response response) throws IOException {
        while (true) {
            Content.Chunk chunk = body.read();
            if (chunk == null) {
                try (Blocker.Runnable more = Blocker.runnable()) {
                    body.demand(more);
                    more.block();
                }
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                throw new IOException("the target broke off its answer", chunk.getFailure());
            }
            try (Blocker.Callback written = Blocker.callback()) {
                response.write(chunk.isLast(), chunk.getByteBuffer(), written);
                written.block();
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                return;
            }
        }
    }

    private record Head(org.eclipse.jetty.client.Response response, Content.Source body) {
    }

    /** Hands the status, headers and body source to the waiting request's thread. */
    private static final class Answer implements org.eclipse.jetty.client.Response.Listener {

        private final CompletableFuture<Head> head = new CompletableFuture<>();

        @Override
        public void onContentSource(org.eclipse.jetty.client.Response response, Content.Source body) {
            head.complete(new Head(response, body));
        }

        @Override
        public void onComplete(Result result) {
            if (result.isFailed()) {
                head.completeExceptionally(result.getFailure());
            }
        }

        Head await() throws IOException, InterruptedException {
            try {
                return head.get();
            } catch (ExecutionException e) {
                throw new IOException("the target did not answer", e.getCause());
            }
        }
    }

    /**
     * The {@code async} way, no thread of the request's own: the answer's head and body are
     * written to the client where Jetty's client parses them (its selector's thread), as Jetty's
     * own asynchronous proxy does.
     */
    private static final class Forwarding implements org.eclipse.jetty.client.Response.Listener {

        private final Response response;
        private final Callback callback;
        private volatile boolean answered;

        Forwarding(Response response, Callback callback) {
            this.response = response;
            this.callback = callback;
        }

        @Override
        public void onContentSource(org.eclipse.jetty.client.Response answer, Content.Source body) {
            answered = true;
            returnHead(answer, response);
            Content.copy(body, response, callback);
        }

        @Override
        public void onComplete(Result result) {
            if (result.isFailed() && !answered) {
                callback.failed(result.getFailure()); // once the body is being copied, the copy fails the callback
            }
        }
    }

    /** The client's body, read by Jetty's client from the server's request as it arrives. */
    private record RequestBody(Request request) implements org.eclipse.jetty.client.Request.Content {

        @Override
        public String getContentType() {
            return null; // the client's own Content-Type header goes through
        }

        @Override
        public Content.Chunk read() {
            return request.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            request.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            request.fail(failure);
        }

        @Override
        public long getLength() {
            return request.getLength();
        }
    }
}
