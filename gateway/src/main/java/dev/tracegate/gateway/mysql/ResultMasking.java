package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.recording.ResultEvidence;
import dev.tracegate.gateway.results.ResultCapture;
import dev.tracegate.gateway.results.RowMasker;
import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.MaskingSummary;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.wire.mysql.BinaryRow;
import dev.tracegate.wire.mysql.ColumnDefinition41;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlProtocolException;
import dev.tracegate.wire.mysql.TextRow;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the gateway does to one command's result rows on their way to the caller: masks them with
 * the caller's profile, if the policy gives them one, and keeps the first rows, masked, as
 * evidence. Each column is named for the masker by the table and column the server read it from
 * ({@code org_table}, {@code org_name}); a computed column has neither and is an expression
 * (the lineage check decides what a masked caller may compute from protected columns).
 */
final class ResultMasking {

    private static final String SERVER_MESSAGE = "server message";
    /** Stands for a server text a masked caller may not read, in an error or a diagnostics row. */
    static final String WITHHELD = "tracegate: message withheld: the statement computes on protected columns or"
            + " writes a table with triggers, and the server's text could quote their values (the error code and"
            + " SQLSTATE are the server's)";
    private static final byte[] WITHHELD_UTF8 = WITHHELD.getBytes(StandardCharsets.UTF_8);

    private final CallerMasking client;
    private final Masker recording;
    private final ResultCapture capture;
    private final ResultColumnNames.Statement names;
    private final MaskingReport clientReport = new MaskingReport();
    private final MaskingReport recordingReport = new MaskingReport();
    private RowMasker rows;
    private int[] wireTypes;
    private String[] types;
    private boolean[] binary;
    private boolean binaryRows;
    private boolean messagesWithheld;
    private boolean diagnosticsRows;
    private int messageColumn = -1;

    /**
     * @param client       the caller's profile, or {@code null} for clear text
     * @param recording    the profile of the record when the caller sees clear text
     * @param captureBytes how much result data to keep as evidence; 0 keeps none
     * @param names        names each column of the statement's results for the masker (views: as the stored
     *                     column they pass through)
     */
    ResultMasking(CallerMasking client, Masker recording, int captureBytes, ResultColumnNames.Statement names) {
        this.client = client;
        this.names = names;
        this.recording = recording;
        this.capture = captureBytes > 0 ? new ResultCapture(captureBytes, MysqlCells.MYSQL) : null;
    }

    /**
     * The server's texts are withheld from this command's caller ({@link dev.tracegate.gateway.guard.Ruling#serverTextWithheld}):
     * its errors' messages, and with {@code diagnosticsRows} (a {@code SHOW WARNINGS} after such a
     * statement) the rows' {@code Message} column.
     */
    void withholdServerText(boolean diagnosticsRows) {
        this.messagesWithheld = true;
        this.diagnosticsRows = diagnosticsRows;
    }

    /** A result set begins, with its columns; {@code binaryRows} for a prepared statement's rows. */
    void columns(List<ColumnDefinition41> columns, boolean binaryRows) {
        this.binaryRows = binaryRows;
        int count = columns.size();
        wireTypes = new int[count];
        types = new String[count];
        binary = new boolean[count];
        String[] labels = new String[count];
        for (int i = 0; i < count; i++) {
            ColumnDefinition41 column = columns.get(i);
            wireTypes[i] = column.type();
            types[i] = MysqlCells.typeName(column);
            binary[i] = binaryRows;
            labels[i] = column.name();
            if (diagnosticsRows && column.name().equalsIgnoreCase("message")) {
                messageColumn = i;
            }
        }
        boolean recordingNeeded = client == null && capture != null && !capture.full();
        Masker masker = client != null ? client.masker() : recordingNeeded ? recording : null;
        // Named only when something masks: the names may need the catalog.
        rows = masker == null ? null
                : new RowMasker(masker, names.names(columns, types, binaryRows, masker), MysqlCells.MYSQL);
        if (capture != null) {
            capture.columns(labels, types);
        }
    }

    /**
     * The row the caller receives: the same payload when nothing changed.
     *
     * @throws dev.tracegate.masking.MaskingRefusedException when the profile refuses a value
     */
    byte[] row(byte[] payload) throws MysqlProtocolException {
        if (messageColumn < 0 && (rows == null || (client == null && capture.full()))) {
            return payload;
        }
        byte[][] values = binaryRows ? BinaryRow.decode(payload, wireTypes).values()
                : TextRow.decode(payload, wireTypes.length).values();
        if (messageColumn >= 0) {
            values = withheldMessage(values); // only ever for a masked caller, whose rows a RowMasker reads
        }
        byte[][] masked = rows.changesAnything()
                ? rows.mask(values, client != null ? clientReport : recordingReport) : values;
        if (capture != null) {
            capture.row(masked, binary, types);
        }
        if (client == null || (masked == values && messageColumn < 0)) {
            return payload;
        }
        return binaryRows ? new BinaryRow(wireTypes, masked).encode() : new TextRow(masked).encode();
    }

    private byte[][] withheldMessage(byte[][] values) {
        byte[][] copy = values.clone();
        if (copy[messageColumn] != null) {
            copy[messageColumn] = WITHHELD_UTF8;
        }
        return copy;
    }

    /**
     * A server error's text as the caller may see it: MySQL quotes data in errors ({@code Duplicate
     * entry 'ada@...'}), and a stored key a masked caller's write collided with whole
     * ({@link IntegrityErrorText}).
     */
    String clientMessage(ErrPacket error) {
        if (messagesWithheld) {
            return WITHHELD;
        }
        if (client == null) {
            return error.message();
        }
        if (signalled(error)) {
            return WITHHELD;
        }
        return masked(client.masker(), IntegrityErrorText.quotesStoredValues(error) ? IntegrityErrorText.withheld(error)
                : error.message(), clientReport);
    }

    /**
     * A server message as the evidence keeps it: masked for everyone, like the kept rows, stored keys
     * and {@code SIGNAL}ed texts withheld.
     */
    String recordedMessage(ErrPacket error) {
        if (messagesWithheld || signalled(error)) {
            return WITHHELD;
        }
        return masked(client != null ? client.masker() : recording, IntegrityErrorText.quotesStoredValues(error)
                ? IntegrityErrorText.withheld(error) : error.message(), new MaskingReport());
    }

    /**
     * SQLSTATE class 45 (unhandled user-defined exception) only ever comes from {@code SIGNAL} in
     * code of the database, which writes what it likes into the text: withheld from masked callers
     * even when the gateway's catalog shows no trigger (its account may lack the TRIGGER privilege),
     * and from the evidence of every caller, as a stored key is ({@link IntegrityErrorText}).
     */
    private static boolean signalled(ErrPacket error) {
        return error.sqlState() != null && error.sqlState().startsWith("45");
    }

    private static String masked(Masker masker, String message, MaskingReport report) {
        CellResult result = masker.forColumn(ColumnRef.expression(SERVER_MESSAGE)).mask(message, report);
        return !result.changed() ? message : result.value() == null ? "(withheld)" : result.value();
    }

    ResultEvidence outcome() {
        byte[] data = capture == null || capture.isEmpty() ? null : capture.bytes();
        ResultEvidence.MaskingApplied applied = client == null ? null
                : new ResultEvidence.MaskingApplied(client.rule(), client.profile(), clientReport.snapshot());
        MaskingSummary recorded = client != null || recordingReport.isEmpty() ? null : recordingReport.snapshot();
        return new ResultEvidence(data, capture == null ? 0 : capture.rows(), capture != null && capture.truncated(),
                applied, recorded);
    }
}
