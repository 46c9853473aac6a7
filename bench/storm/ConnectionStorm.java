import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection storm: N clients released at the same instant, each opening its own connection
 * with pgjdbc, running {@code SELECT 1} and closing. Prints one JSON object: connect latency
 * (until the server's ReadyForQuery), latency until the query's answer, errors, and the most
 * connections that were open at once.
 *
 * <p>Run with the JDK's source launcher:
 * {@code java -cp postgresql-42.7.14.jar ConnectionStorm.java <jdbc-url> <user> <password|-> <clients>}
 */
public final class ConnectionStorm {

    private record Outcome(double connectMs, double answeredMs, String error) {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Properties login = new Properties();
        login.setProperty("user", args[1]);
        if (!args[2].equals("-")) {
            login.setProperty("password", args[2]);
        }
        login.setProperty("ApplicationName", "tracegate-bench-storm");
        int clients = Integer.parseInt(args[3]);

        // One connection first, so class loading and the driver's TLS set-up are not counted
        // against the first clients of the storm.
        runOne(url, login, new AtomicInteger(), new AtomicInteger());

        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peakOpen = new AtomicInteger();
        Outcome[] outcomes = new Outcome[clients];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().name("storm-" + i).start(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                outcomes[index] = runOne(url, login, open, peakOpen);
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double wallMs = (System.nanoTime() - start) / 1e6;
        System.out.println(json(outcomes, wallMs, peakOpen.get()));
    }

    private static Outcome runOne(String url, Properties login, AtomicInteger open, AtomicInteger peakOpen) {
        long start = System.nanoTime();
        double connectMs = -1;
        try (Connection connection = DriverManager.getConnection(url, login)) {
            connectMs = (System.nanoTime() - start) / 1e6;
            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
                rows.next();
            } finally {
                open.decrementAndGet();
            }
            return new Outcome(connectMs, (System.nanoTime() - start) / 1e6, null);
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Outcome(connectMs, -1, message.lines().findFirst().orElse(message));
        }
    }

    private static String json(Outcome[] outcomes, double wallMs, int peakOpen) {
        double[] connect = Arrays.stream(outcomes).filter(o -> o.error() == null).mapToDouble(Outcome::connectMs).sorted().toArray();
        double[] answered = Arrays.stream(outcomes).filter(o -> o.error() == null).mapToDouble(Outcome::answeredMs).sorted().toArray();
        Map<String, Integer> errors = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            if (outcome.error() != null) {
                errors.merge(outcome.error(), 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder("{");
        out.append("\"clients\":").append(outcomes.length);
        out.append(",\"ok\":").append(connect.length);
        out.append(",\"errors\":").append(outcomes.length - connect.length);
        out.append(",\"wall_ms\":").append(round(wallMs));
        out.append(",\"peak_open\":").append(peakOpen);
        out.append(",\"connect_ms\":").append(percentiles(connect));
        out.append(",\"answered_ms\":").append(percentiles(answered));
        out.append(",\"error_messages\":{");
        boolean first = true;
        for (Map.Entry<String, Integer> entry : errors.entrySet()) {
            out.append(first ? "" : ",").append(quote(entry.getKey())).append(':').append(entry.getValue());
            first = false;
        }
        return out.append("}}").toString();
    }

    private static String percentiles(double[] sorted) {
        if (sorted.length == 0) {
            return "null";
        }
        return "{\"p50\":" + round(at(sorted, 0.50)) + ",\"p90\":" + round(at(sorted, 0.90)) + ",\"p99\":" + round(at(sorted, 0.99))
                + ",\"max\":" + round(sorted[sorted.length - 1]) + "}";
    }

    /** Nearest-rank percentile. */
    private static double at(double[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
