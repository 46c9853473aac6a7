package dev.tracegate.masking.bench;

import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.JsonMasking;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.IntToLongFunction;

/**
 * A quick throughput check without JMH: masks a 64 KiB JSON document of orders (names, e-mails,
 * phones, cards; the HTTP benchmark's upstream serves the same shape) with the demo profile on
 * one thread for a few seconds and prints documents per second, MB/s, the masking thread's CPU time
 * per document (less bent by other processes than the elapsed time, on a shared machine) and the bytes
 * it allocated per document (which, unlike the time, does not depend on the machine's load).
 * Run it with the test class path (see docs/masking.md).
 *
 * <p>The first document repeats one card number, as the HTTP benchmark's upstream does, so the phone
 * detector's remembered answers serve most of it; the second case masks documents in turn whose
 * every card number is its own (Luhn-valid, in the Visa range), far more numbers than are
 * remembered: the cost of numbers seen for the first time; the third masks those documents as UTF-8
 * bytes, as the record of an HTTP body does. The last masks 1 KiB answers of the HTTP benchmark's
 * {@code /1k} shape (bench/http/JsonUpstream.java, each stamped with its own count) as UTF-8 bytes,
 * where what a call costs before its first value (set-up per document) weighs most.
 */
public final class JsonMaskingThroughputBenchmark {

    private static final String[] NAMES = {"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra",
        "Barbara Liskov", "Donald Knuth", "Frances Allen", "Ken Thompson"};
    private static long sink;

    private JsonMaskingThroughputBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        String[] document = {orders(64 * 1024, -1)};
        String[] distinct = new String[DISTINCT_DOCUMENTS];
        for (int d = 0; d < distinct.length; d++) {
            distinct[d] = orders(64 * 1024, d);
        }
        JsonMasking json = new Masker(MaskingProfile.demo(HashKey.of(new byte[32]))).json("response.body");
        measure("warm-up", seconds, json, document);
        measure("64 KiB orders", seconds, json, document);
        measure("64 KiB orders, distinct cards", seconds, json, distinct);
        byte[][] bytes = new byte[distinct.length][];
        for (int d = 0; d < distinct.length; d++) {
            bytes[d] = distinct[d].getBytes(StandardCharsets.UTF_8);
        }
        measureBytes("64 KiB orders, as UTF-8 bytes", seconds, json, bytes);
        byte[][] small = new byte[SMALL_DOCUMENTS][];
        for (int d = 0; d < small.length; d++) {
            small[d] = upstreamOrders(1024, d).getBytes(StandardCharsets.UTF_8);
        }
        measureBytes("1 KiB answers, as UTF-8 bytes", seconds, json, small);
    }

    /** Distinct 1 KiB answers masked in turn, as the HTTP benchmark's upstream stamps each answer with its count. */
    private static final int SMALL_DOCUMENTS = 64;
    private static final String[] STATUSES = {"paid", "shipped", "delivered", "refunded"};

    /** Documents masked in turn for distinct card numbers: about 150 cards each, past what the phone detector remembers. */
    private static final int DISTINCT_DOCUMENTS = 40;

    private static void measure(String label, double seconds, JsonMasking json, String[] documents) {
        measure(label, seconds, documents.length, d -> {
            sink += json.mask(documents[d], new MaskingReport()).length();
            return documents[d].length();
        });
    }

    /** As {@link #measure}, masking UTF-8 bytes: what the record of an HTTP body masks. */
    private static void measureBytes(String label, double seconds, JsonMasking json, byte[][] documents) {
        measure(label, seconds, documents.length, d -> {
            sink += json.mask(documents[d], new MaskingReport()).length;
            return documents[d].length;
        });
    }

    /** Masks the documents in turn for {@code seconds}; {@code maskOne} masks one by its index and returns its length. */
    private static void measure(String label, double seconds, int documents, IntToLongFunction maskOne) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long until = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        int masked = 0;
        long length = 0;
        while (System.nanoTime() < until) {
            length += maskOne.applyAsLong(masked % documents);
            masked++;
        }
        print(label, masked, length, started, cpuBefore, allocatedBefore);
    }

    private static void print(String label, int masked, long length, long started, long cpuBefore, long allocatedBefore) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double elapsed = (System.nanoTime() - started) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e3 / masked;
        double allocated = (threads.getCurrentThreadAllocatedBytes() - allocatedBefore) / 1024.0 / masked;
        System.out.printf(Locale.ROOT, "%-30s %,8.0f documents/s  %6.1f MB/s  %,7.0f us/document  %,7.0f CPU us/document"
                + "  %,7.1f KiB allocated/document%n",
                label, masked / elapsed, length / elapsed / 1e6, elapsed * 1e6 / masked, cpu, allocated);
    }

    /** A Visa number of 16 digits, its own for each order of each document, with its Luhn check digit. */
    private static String card(int document, int order) {
        String payload = String.format(Locale.ROOT, "4%03d%011d", document, order * 7919L + 1);
        int sum = 0;
        for (int i = payload.length() - 1, position = 0; i >= 0; i--, position++) {
            int digit = payload.charAt(i) - '0';
            if (position % 2 == 0) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
        }
        String number = payload + (10 - sum % 10) % 10;
        return String.join(" ", number.substring(0, 4), number.substring(4, 8), number.substring(8, 12),
                number.substring(12));
    }

    /** @param document {@code -1} for one card number throughout, else the document's index for cards of its own */
    public static String orders(int size, int document) {
        StringBuilder json = new StringBuilder("{\"orders\":[");
        for (int i = 0; json.length() < size - 512; i++) {
            String name = NAMES[i % NAMES.length];
            String email = name.toLowerCase(Locale.ROOT).replace(' ', '.') + "." + i + "@example.com";
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"id\":%d,\"status\":\"paid\","
                    + "\"customer\":{\"name\":\"%s\",\"email\":\"%s\",\"phone\":\"+44 20 7946 %04d\"},"
                    + "\"payment\":{\"card\":\"%s\",\"amount\":%d.%02d,\"currency\":\"EUR\"},"
                    + "\"items\":[{\"sku\":\"SKU-%05d\",\"qty\":%d}],\"note\":\"deliver to the back door, call %s first\"}",
                    1000 + i, name, email, i % 10_000, document < 0 ? "4111 1111 1111 1111" : card(document, i),
                    10 + i * 7 % 500, i % 100, i * 13 % 100_000, 1 + i % 3,
                    name.split(" ")[0]));
        }
        return json.append("],\"next\":null}").toString();
    }

    /**
     * The HTTP benchmark upstream's answer of {@code size} bytes (bench/http/JsonUpstream.java: a
     * {@code served} stamp in letters, orders with two items each, padded to exactly {@code size}),
     * stamped with {@code served}.
     */
    public static String upstreamOrders(int size, long served) {
        StringBuilder stamp = new StringBuilder();
        for (int i = 0; i < 12; i++, served /= 26) {
            stamp.insert(0, (char) ('a' + served % 26));
        }
        StringBuilder json = new StringBuilder("{\"served\":\"" + stamp + "\",\"orders\":[");
        String end = "],\"next\":null,\"pad\":\"\"}";
        for (int i = 0; ; i++) {
            String order = upstreamOrder(i);
            if (json.length() + (i == 0 ? 0 : 1) + order.length() + end.length() > size) {
                break;
            }
            json.append(i == 0 ? "" : ",").append(order);
        }
        json.append("],\"next\":null,\"pad\":\"");
        json.append(" ".repeat(Math.max(0, size - json.length() - 2)));
        return json.append("\"}").toString();
    }

    private static String upstreamOrder(int i) {
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
