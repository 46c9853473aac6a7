package dev.tracegate.gateway.postgres.results;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.recording.ResultEvidence;
import dev.tracegate.gateway.recording.ResultEvidence.MaskingApplied;
import dev.tracegate.gateway.results.ResultCapture;
import dev.tracegate.gateway.results.RowMasker;
import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.MaskingSummary;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.ProtocolException;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does to one command's result rows on their way to the client: masks them
 * with the caller's profile, if the policy gives them one, and keeps the first rows, masked, as
 * evidence. Rows of callers who see clear text are masked for the record only, and only as many
 * as the record keeps.
 *
 * <p>Used by the server-side relay thread only.
 */
public final class CommandResults {

    private static final Logger LOG = LoggerFactory.getLogger(CommandResults.class);

    private final CallerMasking client;
    private final ServerTextMasking clientTexts;
    private final boolean serverTextWithheld;
    private final Masker recording;
    private final ResultShapes shapes;
    private final ResultCapture capture;
    private final MaskingReport clientReport = new MaskingReport();
    private final MaskingReport recordingReport = new MaskingReport();
    private RowMasker clientRows;
    private RowMasker recordingRows;
    private boolean[] binary;
    private String[] types;
    private boolean described;

    /**
     * @param client       the caller's profile, or {@code null} for clear text
     * @param recording    the profile of the record when the caller sees clear text
     * @param captureBytes how much result data to keep as evidence; 0 keeps none
     * @param serverTextWithheld the command may compute on protected values: the texts of the
     *                           server's errors and notices are withheld from a masked caller
     *                           ({@link ServerTextMasking#withheldFields})
     */
    public CommandResults(CallerMasking client, Masker recording, ResultShapes shapes, int captureBytes,
                          boolean serverTextWithheld) {
        this.client = client;
        this.serverTextWithheld = client != null && serverTextWithheld;
        this.clientTexts = client == null ? null : new ServerTextMasking(client.masker());
        this.recording = recording;
        this.shapes = shapes;
        this.capture = captureBytes > 0 ? new ResultCapture(captureBytes, BinaryCell.POSTGRES) : null;
    }

    /** Whether the client's rows are masked. */
    public boolean masksClient() {
        return client != null;
    }

    /** The policy rule that masks the client's rows, or {@code null}. */
    public String maskingRule() {
        return client == null ? null : client.rule();
    }

    /** Whether a description is in force for the rows that follow. */
    public boolean described() {
        return described;
    }

    /**
     * A result set begins: its columns, formats included (from a portal Describe or a simple
     * query). A shape the session met before is taken as it was named then, while that holds
     * ({@link ResultShapes}).
     */
    public void describe(RowDescription description) {
        described = true;
        boolean recordingNeeded = client == null && capture != null && !capture.full();
        if (client == null && !recordingNeeded) {
            clientRows = null;
            recordingRows = null;
            return;
        }
        ResultShapes.Shape shape = shape(description);
        binary = shape.binary;
        types = shape.types;
        clientRows = client == null ? null : shape.rows(client.masker());
        recordingRows = recordingNeeded ? shape.rows(recording) : null;
        if (capture != null) {
            capture.columns(shape.names, shape.typeNames);
        }
    }

    private ResultShapes.Shape shape(RowDescription description) {
        try {
            return shapes.shape(description);
        } catch (CatalogUnavailableException e) {
            // Fail closed: without names, column rules cannot be applied, so table columns become NULL.
            LOG.warn("{}; values read from tables are withheld from this result", e.getMessage());
            return ResultShapes.unresolved(description);
        }
    }

    /** The result set ended (CommandComplete); the next one brings its own description. */
    public void endResultSet() {
        described = false;
        clientRows = null;
        recordingRows = null;
    }

    /**
     * The DataRow the client receives.
     *
     * @throws dev.tracegate.masking.MaskingRefusedException when the profile refuses a value: the
     *         caller must not forward anything more of this command
     */
    public PgFrame dataRow(PgFrame frame) throws ProtocolException {
        if (client == null && (recordingRows == null || capture.full())) {
            return frame;
        }
        if (client != null && !described) {
            throw new ProtocolException("rows arrived without a description; they cannot be masked");
        }
        DataRow row = DataRow.decode(frame.body());
        RowMasker masker = client != null ? clientRows : recordingRows;
        if (row.columnCount() != masker.columnCount()) {
            throw new ProtocolException("a DataRow has " + row.columnCount() + " values for " + masker.columnCount()
                    + " described columns");
        }
        byte[][] values = masker.changesAnything()
                ? masker.mask(row.values(), client != null ? clientReport : recordingReport) : row.values();
        if (capture != null) {
            capture.row(values, binary, types);
        }
        return client != null && values != row.values() ? new DataRow(values).encode() : frame;
    }

    /**
     * An error or notice as the client may see it. PostgreSQL quotes data in these texts
     * ({@code Key (email)=(ada@example.com) already exists.}, {@code invalid input syntax for
     * type integer: "..."}), so for a masked caller every field that can hold text is scanned like
     * free text in a cell (see {@link ServerTextMasking}).
     */
    public Map<Character, String> clientFields(Map<Character, String> fields) {
        if (client == null) {
            return fields;
        }
        return serverTextWithheld ? clientTexts.withheldFields(fields, clientReport) : clientTexts.fields(fields, clientReport);
    }

    /**
     * A FunctionCall's result as the client may see it: text is scanned like a server message;
     * binary results cannot be read, so the profile's {@code limits.unmaskable} decides (NULL by default).
     *
     * @return the result to send, {@code null} for NULL; the same array when unchanged
     */
    public byte[] functionResult(byte[] value, boolean binary) {
        if (client == null || value == null) {
            return value;
        }
        ColumnMasker masker = client.masker().forColumn(ColumnRef.expression("function result"));
        CellResult result = binary ? masker.unreadable(clientReport) : masker.maskUtf8(value, 0, value.length, clientReport);
        if (!result.changed()) {
            return value;
        }
        return result.value() == null ? null : result.utf8();
    }

    /**
     * A server message as the evidence keeps it: masked for everyone, like the kept rows, and
     * withheld as the caller read it when it may quote protected values.
     */
    public String recordedMessage(String message, String sqlState) {
        if (message == null) {
            return null;
        }
        if (serverTextWithheld) {
            return WithheldMessage.of(sqlState);
        }
        Masker masker = client != null ? client.masker() : recording;
        return new ServerTextMasking(masker).text(ServerTextMasking.SERVER_MESSAGE, message, new MaskingReport());
    }

    public ResultEvidence outcome() {
        byte[] data = capture == null || capture.isEmpty() ? null : capture.bytes();
        MaskingApplied applied = client == null ? null : new MaskingApplied(client.rule(), client.profile(), clientReport.snapshot());
        MaskingSummary recorded = client != null || recordingReport.isEmpty() ? null : recordingReport.snapshot();
        return new ResultEvidence(data, capture == null ? 0 : capture.rows(), capture != null && capture.truncated(), applied,
                recorded);
    }
}
