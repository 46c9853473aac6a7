package dev.tracegate.policy.lineage;

import java.util.List;

/**
 * What the lineage check costs a masked caller per statement, without JMH: statements that name
 * protected data (parsed and analysed) and statements that cannot reach it (only their words are
 * looked at), each text new so no cached verdict helps. Prints microseconds per statement.
 * bench/run runs it with the module benchmarks; the argument is seconds of warm-up and of measurement.
 */
public final class LineageCheckBenchmark {

    private static final List<String> ANALYSED = List.of(
            "SELECT id, email, phone FROM customers WHERE id = %d",
            "SELECT c.name, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.amount > %d GROUP BY c.name",
            "WITH x AS (SELECT id, email FROM customers WHERE id < %d) SELECT * FROM x",
            "SELECT extract(year FROM date_of_birth) AS y, count(*) FROM customers WHERE id > %d GROUP BY 1");
    private static final List<String> WORDS_ONLY = List.of(
            "SELECT status, count(*) FROM orders WHERE amount > %d GROUP BY status",
            "SELECT id, amount FROM orders WHERE customer_id = %d");

    private static long sink;

    private LineageCheckBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        ProtectedSchema schema = ShopCatalog.schema();
        System.out.printf("analysed (parse tree, 4 shapes):   %8.1f us/statement%n", measure(ANALYSED, schema, seconds));
        System.out.printf("words only (no protected data):    %8.1f us/statement%n", measure(WORDS_ONLY, schema, seconds));
        System.out.println("(checksum " + sink + ")");
    }

    private static double measure(List<String> shapes, ProtectedSchema schema, double seconds) {
        long n = 0;
        long warmupEnd = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmupEnd) {
            sink += check(shapes, schema, n++);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long statements = 0;
        long now;
        do {
            sink += check(shapes, schema, n++);
            statements++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e3 / statements;
    }

    private static int check(List<String> shapes, ProtectedSchema schema, long n) {
        String sql = String.format(shapes.get((int) (n % shapes.size())), n);
        return LineageCheck.check(sql, schema).allowed() ? 1 : 0;
    }
}
