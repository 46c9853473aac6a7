package dev.tracegate.gateway.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * What searching a target's answer for the held credential costs ({@link EchoedCredential}: every
 * spelling, escaped or not), per 64 KiB answer of orders like the HTTP benchmark's upstream serves
 * (names, e-mail addresses, phones, card numbers), held whole and streamed in 16 KiB reads. Printed,
 * never asserted: this thread's CPU time per answer, which a busy machine inflates a little.
 *
 * <p>Run: {@code ./mvnw -q -pl gateway exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.tracegate.gateway.http.EchoedCredentialCostBenchmark [-Dexec.args="seconds"]}.
 */
public final class EchoedCredentialCostBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final String[] NAMES = {"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra",
        "Barbara Liskov", "Donald Knuth", "Margaret Hamilton", "Tony Hoare"};

    private record Credential(String name, String header) {
    }

    private static final List<Credential> CREDENTIALS = List.of(
            new Credential("bearer token of the HTTP benchmark", "Bearer bench-upstream-token"),
            new Credential("bearer token, 43 characters of base64url", "Bearer tGzv3JOkF0XG5Qx2TlKWIA_bxm-9Ht7Rp4wq1Lz8Yc0"),
            new Credential("basic credential", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString("service-account:s3cret-Passw0rd!".getBytes(StandardCharsets.UTF_8))));

    private EchoedCredentialCostBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0])
                : "1".equals(System.getenv("TRACEGATE_BENCH_QUICK")) ? 1 : 3;
        byte[] answer = orders(64 * 1024);
        for (Credential credential : CREDENTIALS) {
            EchoedCredential echoed = EchoedCredential.of(credential.header());
            if (echoed.scrubbed(answer) != answer) {
                throw new IllegalStateException("the answer holds a spelling of " + credential.name());
            }
            run(echoed, answer, false, seconds);
            double whole = run(echoed, answer, false, seconds);
            run(echoed, answer, true, seconds);
            double streamed = run(echoed, answer, true, seconds);
            System.out.println(String.format(Locale.ROOT,
                    "echoed-credential search, %s: %.1f us per 64 KiB answer held whole, %.1f us streamed",
                    credential.name(), whole / 1000.0, streamed / 1000.0));
        }
    }

    /** This thread's CPU nanoseconds per answer. */
    private static double run(EchoedCredential echoed, byte[] answer, boolean streamed, double seconds) throws IOException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long cpu = THREADS.getCurrentThreadCpuTime();
        long answers = 0;
        long sink = 0;
        byte[] read = new byte[16 * 1024];
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 20; i++) {
                if (streamed) {
                    try (InputStream in = echoed.scrubbing(new ByteArrayInputStream(answer))) {
                        for (int n; (n = in.read(read, 0, read.length)) >= 0; ) {
                            sink += n;
                        }
                    }
                } else {
                    sink += echoed.scrubbed(answer).length;
                }
            }
            answers += 20;
        }
        if (sink == 42) {
            System.out.println();
        }
        return (THREADS.getCurrentThreadCpuTime() - cpu) / (double) answers;
    }

    /** About {@code size} bytes of a JSON list of orders, as the benchmark's upstream writes them. */
    static byte[] orders(int size) {
        StringBuilder json = new StringBuilder(size + 512).append("{\"orders\":[");
        for (int i = 0; json.length() < size; i++) {
            String name = NAMES[i % NAMES.length];
            String email = name.toLowerCase(Locale.ROOT).replace(' ', '.') + "." + i + "@example.com";
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"id\":%d,\"status\":\"shipped\",\"customer\":{\"name\":\"%s\",\"email\":\"%s\","
                            + "\"phone\":\"+44 20 7946 %04d\"},\"payment\":{\"card\":\"4111 1111 1111 1111\","
                            + "\"amount\":%d.%02d,\"currency\":\"EUR\"},\"note\":\"Deliver to the back door, ask for %s\"}",
                    1000 + i, name, email, i % 10_000, 10 + i * 7 % 500, i % 100, name.split(" ")[0]));
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
