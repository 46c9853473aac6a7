import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The upstream of bench/run's HTTP phase: a small JSON service (Jetty, as fast as the JVM serves
 * HTTP) that every path reaches, directly or through a proxy.
 *
 * <ul>
 *   <li>{@code GET .../1k} and {@code GET .../64k}: a list of orders with customers' names, e-mail
 *       addresses, phone numbers and card numbers, 1 KiB and 64 KiB of JSON, built once at start and
 *       stamped with a count of the answers served, so that no two answers are the same bytes (a proxy
 *       or gateway that remembers work per identical answer is measured as on live data, not on
 *       one document repeated);</li>
 *   <li>{@code POST ...}: reads the JSON body whole and answers {@code 201 {"id": n, "bytes": size}}.</li>
 * </ul>
 *
 * Usage: {@code java -cp <jetty jars> JsonUpstream.java <port>}; prints "listening" when ready.
 */
public final class JsonUpstream {

    private static final String[] NAMES = {"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra",
            "Barbara Liskov", "Donald Knuth", "Frances Allen", "Ken Thompson"};
    private static final String[] STATUSES = {"paid", "shipped", "delivered", "refunded"};
    /** Where the {@code served} field's digits begin in every document, and how many there are. */
    private static final int STAMP_AT = "{\"served\":\"".length();
    private static final int STAMP_DIGITS = 12;
    private static final java.util.concurrent.atomic.AtomicLong SERVED = new java.util.concurrent.atomic.AtomicLong();
    // After the arrays and stamp above: the documents are built from them when the class initialises.
    private static final byte[] SMALL = orders(1024);
    private static final byte[] LARGE = orders(64 * 1024);

    public static void main(String[] args) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("upstream");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            private long created;

            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = request.getHttpURI().getPath();
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                if (request.getMethod().equals("POST")) {
                    long size = Content.Source.asByteBuffer(request).remaining();
                    long id;
                    synchronized (this) {
                        id = ++created;
                    }
                    response.setStatus(201);
                    byte[] body = ("{\"id\":" + id + ",\"bytes\":" + size + "}\n").getBytes(StandardCharsets.UTF_8);
                    response.write(true, ByteBuffer.wrap(body), callback);
                } else if (path.endsWith("/64k")) {
                    response.write(true, ByteBuffer.wrap(stamped(LARGE)), callback);
                } else if (path.endsWith("/1k")) {
                    response.write(true, ByteBuffer.wrap(stamped(SMALL)), callback);
                } else {
                    response.setStatus(404);
                    response.write(true, ByteBuffer.wrap("{\"error\":\"no such document\"}\n".getBytes(StandardCharsets.UTF_8)),
                            callback);
                }
                return true;
            }
        });
        server.start();
        System.out.println("listening on " + connector.getLocalPort() + ": " + SMALL.length + " and " + LARGE.length
                + " bytes of JSON");
        server.join();
    }

    /** A copy of {@code document} with the next count of answers served in its {@code served} field. */
    static byte[] stamped(byte[] document) {
        byte[] copy = document.clone();
        long count = SERVED.incrementAndGet();
        // In letters: digits would read to the detectors as a number (a phone, an id) and add a find to every answer.
        for (int at = STAMP_AT + STAMP_DIGITS - 1; at >= STAMP_AT; at--, count /= 26) {
            copy[at] = (byte) ('a' + count % 26);
        }
        return copy;
    }

    /** {"served": "aaaaaaaaaaaa", "orders": [...]} with as many orders as fit in {@code size} bytes, padded to exactly {@code size}. */
    static byte[] orders(int size) {
        StringBuilder json = new StringBuilder("{\"served\":\"" + "a".repeat(STAMP_DIGITS) + "\",\"orders\":[");
        String end = "],\"next\":null,\"pad\":\"\"}";
        int i = 0;
        while (true) {
            String order = order(i);
            int separator = i == 0 ? 0 : 1;
            if (json.length() + separator + order.length() + end.length() > size) {
                break;
            }
            json.append(i == 0 ? "" : ",").append(order);
            i++;
        }
        json.append("],\"next\":null,\"pad\":\"");
        json.append(" ".repeat(Math.max(0, size - json.length() - 2)));
        json.append("\"}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String order(int i) {
        String name = NAMES[i % NAMES.length];
        String email = name.toLowerCase(Locale.ROOT).replace(' ', '.') + "." + i + "@example.com";
        return String.format(Locale.ROOT, "{\"id\":%d,\"created\":\"2026-11-%02dT10:%02d:00Z\",\"status\":\"%s\","
                        + "\"customer\":{\"name\":\"%s\",\"email\":\"%s\",\"phone\":\"+44 20 7946 %04d\"},"
                        + "\"payment\":{\"card\":\"4111 1111 1111 1111\",\"amount\":%d.%02d,\"currency\":\"EUR\"},"
                        + "\"items\":[{\"sku\":\"SKU-%05d\",\"qty\":%d},{\"sku\":\"SKU-%05d\",\"qty\":1}],"
                        + "\"note\":\"deliver to the back door, call %s first\"}",
                1000 + i, 1 + i % 28, i % 60, STATUSES[i % STATUSES.length], name, email, i % 10_000,
                10 + i * 7 % 500, i % 100, i * 13 % 100_000, 1 + i % 3, i * 17 % 100_000, name.split(" ")[0]);
    }
}
