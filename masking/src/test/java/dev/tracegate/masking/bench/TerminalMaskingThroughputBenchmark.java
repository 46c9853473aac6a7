package dev.tracegate.masking.bench;

import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.TerminalOutputMasker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * What terminal output masking costs (docs/ssh.md): MB/s of SSH terminal output, log-like lines
 * with some personal data and colour escapes, written in 32 KiB pieces (an SSH channel's packets),
 * through {@link TerminalOutputMasker} with every content detector, against copying the same bytes
 * as the gateway does for an unmasked caller. One thread; run it with the test class path (see
 * docs/masking.md, "Performance"), an optional argument giving the seconds per measurement.
 */
public final class TerminalMaskingThroughputBenchmark {

    private static final int PACKET = 32 * 1024;
    private static long sink;

    private TerminalMaskingThroughputBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        byte[] output = terminalOutput(4 * 1024 * 1024);
        Masker all = new Masker(MaskingProfile.defaults());
        Runnable masked = masking(all, output);
        Runnable copied = () -> {
            ByteArrayOutputStream to = new ByteArrayOutputStream(PACKET);
            for (int at = 0; at < output.length; at += PACKET) {
                to.reset();
                to.write(output, at, Math.min(PACKET, output.length - at));
                sink += to.size();
            }
        };
        byte[] table = tableOutput(4 * 1024 * 1024);
        Runnable maskedTable = masking(all, table);
        MaskingThroughputBenchmark.measure("terminal output, unmasked (copied):", copied, output.length, seconds);
        MaskingThroughputBenchmark.measure("terminal output, masked (all detectors):", masked, output.length, seconds);
        MaskingThroughputBenchmark.measure("psql table rows, masked (all detectors):", maskedTable, table.length, seconds);
        byte[] csv = new String(table, StandardCharsets.UTF_8).replace(" | ", ",").getBytes(StandardCharsets.UTF_8);
        MaskingThroughputBenchmark.measure("psql --csv rows, masked (all detectors):", masking(all, csv), csv.length, seconds);
        byte[] records = expandedOutput(table);
        MaskingThroughputBenchmark.measure("psql -x records, masked (all detectors):", masking(all, records), records.length,
                seconds);
        System.out.println("(checksum " + sink + ")");
    }

    /** Masks {@code output} through one {@link TerminalOutputMasker}, an SSH channel's packet at a time. */
    private static Runnable masking(Masker all, byte[] output) {
        return () -> {
            try {
                TerminalOutputMasker masker = new TerminalOutputMasker(all, "terminal", new MaskingReport(),
                        (stream, utf8) -> sink += utf8.length);
                for (int at = 0; at < output.length; at += PACKET) {
                    masker.write(0, output, at, Math.min(PACKET, output.length - at));
                }
                masker.end();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Rows as psql prints a result in its aligned format, five columns a row, one in eight with personal data. */
    static byte[] tableOutput(int size) {
        Random random = new Random(42);
        List<String> names = List.of("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra");
        List<String> statuses = List.of("paid", "shipped", "delivered", "refunded");
        StringBuilder text = new StringBuilder(size + 256);
        int line = 0;
        while (text.length() < size) {
            text.append(String.format("%7d | %-16s | %-9s | 2026-12-%02d | %8.2f", line, names.get(random.nextInt(4)),
                    statuses.get(random.nextInt(4)), 1 + random.nextInt(28), random.nextInt(100_000) / 100.0));
            if (line % 8 == 0) {
                text.append(" | ada.lovelace@example.com");
            }
            text.append("\r\n");
            line++;
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The rows of {@code table} as psql's expanded output prints them: a record a row, a field a line. */
    static byte[] expandedOutput(byte[] table) {
        String[] names = {"id", "name", "status", "day", "amount", "email"};
        StringBuilder text = new StringBuilder(table.length * 2);
        int record = 1;
        for (String row : new String(table, StandardCharsets.UTF_8).split("\r\n")) {
            text.append("-[ RECORD ").append(record++).append(" ]--------------------\r\n");
            String[] cells = row.split(" \\| ");
            for (int k = 0; k < cells.length; k++) {
                text.append(String.format("%-6s | %s\r\n", names[k], cells[k].strip()));
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Lines as a log or a {@code cat} of a customer file prints them: one in eight holds personal data. */
    static byte[] terminalOutput(int size) {
        Random random = new Random(42);
        List<String> personal = List.of("ada.lovelace@example.com", "4111 1111 1111 1111", "+44 20 7946 0958",
                "GB82WEST12345698765432", "password=hunter2secret", "536-22-1234");
        StringBuilder text = new StringBuilder(size + 256);
        int line = 0;
        while (text.length() < size) {
            text.append("2026-12-04T23:").append(10 + line % 50).append(":07Z \u001b[32mINFO\u001b[0m worker-")
                    .append(random.nextInt(16)).append(" request ").append(Long.toHexString(random.nextLong()))
                    .append(" served in ").append(random.nextInt(900)).append(" ms");
            if (line % 8 == 0) {
                text.append(" for ").append(personal.get(random.nextInt(personal.size())));
            }
            text.append("\r\n");
            line++;
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
