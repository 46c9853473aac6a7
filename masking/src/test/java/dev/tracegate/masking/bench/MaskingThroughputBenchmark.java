package dev.tracegate.masking.bench;

import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A quick throughput check without JMH: masks synthetic demo rows on one thread for a few seconds
 * and prints MB of cell text per second of its CPU. Run it with the test class path (see docs/masking.md).
 */
public final class MaskingThroughputBenchmark {

    private static long sink;

    private MaskingThroughputBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        List<String[]> rows = CustomerRows.generate(10_000, 42);
        long rowChars = CustomerRows.textChars(rows);
        Masker demo = new Masker(MaskingProfile.demo(HashKey.of(new byte[32])));
        ColumnMasker[] columns = CustomerRows.COLUMNS.stream().map(demo::forColumn).toArray(ColumnMasker[]::new);
        ColumnMasker notes = new Masker(MaskingProfile.defaults()).forColumn(ColumnRef.of("public", "customers", "notes", "text"));
        List<byte[]> notesUtf8 = rows.stream().map(row -> row[7].getBytes(StandardCharsets.UTF_8)).toList();
        long notesBytes = notesUtf8.stream().mapToLong(b -> b.length).sum();

        Runnable demoRows = () -> {
            MaskingReport report = new MaskingReport();
            for (String[] row : rows) {
                for (int c = 0; c < columns.length; c++) {
                    var result = columns[c].mask(row[c], report);
                    sink += result.value() == null ? 0 : result.value().length();
                }
            }
        };
        Runnable freeText = () -> {
            MaskingReport report = new MaskingReport();
            for (byte[] cell : notesUtf8) {
                sink += notes.maskUtf8(cell, 0, cell.length, report).outcome().ordinal();
            }
        };
        measure("demo rows (demo profile, 8 columns):", demoRows, rowChars, seconds);
        measure("free text (all content detectors):", freeText, notesBytes, seconds);
        System.out.println("(checksum " + sink + ")");
    }

    /**
     * Warms up for {@code seconds}, then measures for as long; returns MB (1e6 chars or bytes) per
     * second of this thread's CPU, so the figure holds on a machine shared with other work (the
     * wall-clock rate is printed beside it: on a quiet machine the two agree).
     */
    static double measure(String name, Runnable pass, long charsPerPass, double seconds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long warmupEnd = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmupEnd) {
            pass.run();
        }
        long passes = 0;
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            pass.run();
            passes++;
            now = System.nanoTime();
        } while (now < end);
        double megabytes = passes * charsPerPass / 1e6;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double perCpuSecond = megabytes / cpuSeconds;
        System.out.printf("%-38s %7.1f MB/s of CPU (%.1f MB/s of wall clock)%n", name, perCpuSecond,
                megabytes / ((now - start) / 1e9));
        return perCpuSecond;
    }
}
