package dev.tracegate.masking.bench;

import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.JsonMasking;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import java.util.Locale;

/**
 * A quick throughput check without JMH: masks a 64 KiB JSON document of orders (names, e-mails,
 * phones, cards; the HTTP benchmark's upstream serves the same shape) with the demo profile on
 * one thread for a few seconds and prints documents per second and MB/s. Run it with the test
 * class path (see docs/masking.md).
 */
public final class JsonMaskingThroughputBenchmark {

    private static final String[] NAMES = {"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra",
        "Barbara Liskov", "Donald Knuth", "Frances Allen", "Ken Thompson"};
    private static long sink;

    private JsonMaskingThroughputBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        String document = orders(64 * 1024);
        JsonMasking json = new Masker(MaskingProfile.demo(HashKey.of(new byte[32]))).json("response.body");
        measure("warm-up", seconds, json, document);
        measure("64 KiB orders", seconds, json, document);
    }

    private static void measure(String label, double seconds, JsonMasking json, String document) {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        int documents = 0;
        while (System.nanoTime() < until) {
            sink += json.mask(document, new MaskingReport()).length();
            documents++;
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "%-14s %,8.0f documents/s  %6.1f MB/s  %,7.0f us/document%n", label,
                documents / elapsed, documents * (double) document.length() / elapsed / 1e6, elapsed * 1e6 / documents);
    }

    private static String orders(int size) {
        StringBuilder json = new StringBuilder("{\"orders\":[");
        for (int i = 0; json.length() < size - 512; i++) {
            String name = NAMES[i % NAMES.length];
            String email = name.toLowerCase(Locale.ROOT).replace(' ', '.') + "." + i + "@example.com";
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"id\":%d,\"status\":\"paid\","
                    + "\"customer\":{\"name\":\"%s\",\"email\":\"%s\",\"phone\":\"+44 20 7946 %04d\"},"
                    + "\"payment\":{\"card\":\"4111 1111 1111 1111\",\"amount\":%d.%02d,\"currency\":\"EUR\"},"
                    + "\"items\":[{\"sku\":\"SKU-%05d\",\"qty\":%d}],\"note\":\"deliver to the back door, call %s first\"}",
                    1000 + i, name, email, i % 10_000, 10 + i * 7 % 500, i % 100, i * 13 % 100_000, 1 + i % 3,
                    name.split(" ")[0]));
        }
        return json.append("],\"next\":null}").toString();
    }
}
