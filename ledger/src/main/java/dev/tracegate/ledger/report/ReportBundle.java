package dev.tracegate.ledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.ledger.bundle.BundleLayout;
import dev.tracegate.ledger.bundle.BundleSource;
import dev.tracegate.ledger.bundle.LineReader;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.jcs.JcsException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of a bundle as the report reads them: the events with their proofs (streamed, as
 * often as a computation needs to pass over them), the checkpoint, the key, the consistency lines
 * and the blobs. Reading is all it does; {@link dev.tracegate.ledger.bundle.BundleVerifier} checks.
 */
final class ReportBundle implements Closeable {
    private static final int MAX_LINE = 64 << 20;
    private static final int MAX_SMALL_FILE = 1 << 20;
    /** Kept result data is at most 64 MiB per command (evidence.resultDataBytes). */
    private static final int MAX_BLOB = 64 << 20;

    private final BundleSource source;

    /** Receives each event with its line's exact bytes and its proof line (null in a full export). */
    interface EventVisitor {
        void visit(ReportEvent event, byte[] line, byte[] proofLine);
    }

    private ReportBundle(BundleSource source) {
        this.source = source;
    }

    static ReportBundle open(Path bundle) throws IOException {
        return new ReportBundle(BundleSource.open(bundle));
    }

    void forEachEvent(EventVisitor visitor) throws IOException {
        boolean withProofs = has(BundleLayout.PROOFS);
        try (InputStream events = source.open(BundleLayout.EVENTS);
             InputStream proofs = withProofs ? source.open(BundleLayout.PROOFS) : InputStream.nullInputStream()) {
            LineReader eventLines = new LineReader(events, MAX_LINE);
            LineReader proofLines = new LineReader(proofs, MAX_LINE);
            for (byte[] line = eventLines.next(); line != null; line = eventLines.next()) {
                JsonNode event;
                try {
                    event = Jcs.parse(line);
                } catch (JcsException e) {
                    throw new IOException(BundleLayout.EVENTS + " line " + eventLines.lineNumber() + " is not JSON: " + e.getMessage());
                }
                visitor.visit(ReportEvent.of(event), line, withProofs ? proofLines.next() : null);
            }
        }
    }

    boolean has(String file) {
        return source.files().containsKey(file);
    }

    boolean hasProofs() {
        return has(BundleLayout.PROOFS);
    }

    String text(String file) throws IOException {
        return new String(read(file, MAX_SMALL_FILE), StandardCharsets.UTF_8);
    }

    List<byte[]> consistencyLines() throws IOException {
        List<byte[]> lines = new ArrayList<>();
        if (!has(BundleLayout.CONSISTENCY)) {
            return lines;
        }
        try (InputStream in = source.open(BundleLayout.CONSISTENCY)) {
            LineReader reader = new LineReader(in, MAX_LINE);
            for (byte[] line = reader.next(); line != null; line = reader.next()) {
                lines.add(line);
            }
        }
        return lines;
    }

    boolean hasBlob(String sha256Hex) {
        return has(BundleLayout.blobPath(sha256Hex));
    }

    Optional<byte[]> blob(String sha256Hex) throws IOException {
        return hasBlob(sha256Hex) ? Optional.of(read(BundleLayout.blobPath(sha256Hex), MAX_BLOB)) : Optional.empty();
    }

    Optional<byte[]> file(String name) throws IOException {
        return has(name) ? Optional.of(read(name, MAX_BLOB)) : Optional.empty();
    }

    private byte[] read(String file, int limit) throws IOException {
        try (InputStream in = source.open(file)) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new IOException(file + " is larger than " + limit + " bytes");
            }
            return bytes;
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
