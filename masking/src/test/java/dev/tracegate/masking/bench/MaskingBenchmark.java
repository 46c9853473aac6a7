package dev.tracegate.masking.bench;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.ColumnRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH benchmark of masking 1,000 demo rows per operation. Throughput in MB/s of cell text is
 * {@code ops/s * charsPerOperation / 1e6}; {@link MaskingThroughputBenchmark} prints it directly. Not run by
 * {@code mvn install}: see docs/masking.md for the command.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MaskingBenchmark {

    private List<String[]> rows;
    private List<byte[]> notesUtf8;
    private ColumnMasker[] columns;
    private ColumnMasker notes;

    @Setup
    public void setUp() {
        rows = CustomerRows.generate(1_000, 42);
        notesUtf8 = rows.stream().map(row -> row[7].getBytes(StandardCharsets.UTF_8)).toList();
        Masker demo = new Masker(MaskingProfile.demo(HashKey.of(new byte[32])));
        columns = CustomerRows.COLUMNS.stream().map(demo::forColumn).toArray(ColumnMasker[]::new);
        notes = new Masker(MaskingProfile.defaults()).forColumn(ColumnRef.of("public", "customers", "notes", "text"));
    }

    /** Whole demo rows through the demo profile: column rules (hash, partial, redact) and content scans. */
    @Benchmark
    public void demoRows(Blackhole sink) {
        MaskingReport report = new MaskingReport();
        for (String[] row : rows) {
            for (int c = 0; c < columns.length; c++) {
                sink.consume(columns[c].mask(row[c], report));
            }
        }
        sink.consume(report.snapshot());
    }

    /** Free text through every default content detector, as UTF-8 bytes the way the relay holds them. */
    @Benchmark
    public void freeTextUtf8(Blackhole sink) {
        MaskingReport report = new MaskingReport();
        for (byte[] cell : notesUtf8) {
            CellResult result = notes.maskUtf8(cell, 0, cell.length, report);
            sink.consume(result);
        }
    }
}
