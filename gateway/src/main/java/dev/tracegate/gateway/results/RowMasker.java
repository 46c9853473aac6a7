package dev.tracegate.gateway.results;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.CutAddressEnd;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.JwtAcrossValues;
import dev.tracegate.masking.KeyBlockAcrossValues;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.SplitAcrossCells;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Masks the rows of one result set with one profile, whatever the protocol: it describes the
 * columns ({@link ResultColumn}) and how its binary cells read ({@link BinaryCells}). Each column's decision
 * is taken once, here; per row, only the cells of columns that can change are looked at, and a
 * row without changes is forwarded as it came. A private key a column holds one line a row is
 * followed across rows ({@link KeyBlockAcrossValues}): after a row whose cell opened a key block,
 * or that is a line of a key's body read without its header, the column's cells that are its lines
 * are masked whole; so are the parts of a JWT one part a row after its first JSON part
 * ({@link JwtAcrossValues}). A row's scanned cells are also read together ({@link SplitAcrossCells}): a
 * secret split across a row's columns, or a value named by the cell before it, is masked in every
 * cell that holds part of it.
 */
public final class RowMasker {

    /** The fewest plain groups a card is read in across a row's cells (an American Express card's 4-6-5). */
    private static final int MIN_GROUP_COLUMNS = 3;
    /** The integer types too small to hold a card, whose cells are not scanned, but may hold a card's group. */
    private static final Set<String> SMALL_INTEGERS = Set.of("int2", "smallint", "int4", "integer", "int");

    private final ColumnMasker[] maskers;
    private final String[] types;
    private final boolean[] binary;
    private final boolean[] unresolved;
    private final boolean changesAnything;
    private final BinaryCells binaryCells;
    /** Per column, a private key block its earlier cells opened, one line a row (made at the first secret found). */
    private final KeyBlockAcrossValues[] keyBlocks;
    /** Per column, a JWT its earlier cells started, one part a row (made at the first cell that may be a part). */
    private final JwtAcrossValues[] tokens;
    /** Per column, whether its cells are text the detectors scan, read together with the row's others. */
    private final boolean[] readTogether;
    /**
     * Per column of {@code int2} or {@code int4}, never scanned (no such number is personal data alone), its masker
     * when the row has {@value #MIN_GROUP_COLUMNS} such columns or more: they are read with the row's others for a
     * card's plain groups one a column ({@code SELECT substr(notes, 6, 4)::int, ...}); null otherwise.
     */
    private final ColumnMasker[] groupMaskers;
    private final int togetherCount;
    private final SplitAcrossCells acrossCells;

    public RowMasker(Masker masker, List<ResultColumn> columns, BinaryCells binaryCells) {
        int count = columns.size();
        this.binaryCells = binaryCells;
        maskers = new ColumnMasker[count];
        types = new String[count];
        binary = new boolean[count];
        unresolved = new boolean[count];
        keyBlocks = new KeyBlockAcrossValues[count];
        tokens = new JwtAcrossValues[count];
        boolean any = false;
        for (int i = 0; i < count; i++) {
            ResultColumn column = columns.get(i);
            types[i] = column.ref().typeName();
            binary[i] = column.binary();
            unresolved[i] = column.withheld();
            ColumnMasker masks = column.otherNames().isEmpty() ? masker.forColumn(column.ref())
                    : masker.forColumn(column.ref(), column.otherNames());
            maskers[i] = masks.mayChangeValues() || unresolved[i] ? masks : null;
            any |= maskers[i] != null;
        }
        groupMaskers = groupMaskers(masker, columns);
        changesAnything = any || groupMaskers != null;
        readTogether = new boolean[count];
        int together = 0;
        for (int i = 0; i < count; i++) {
            readTogether[i] = maskers[i] != null && !unresolved[i] && maskers[i].scansContent()
                    && (!binary[i] || binaryCells.isText(types[i])) || groupMaskers != null && groupMaskers[i] != null;
            together += readTogether[i] ? 1 : 0;
        }
        togetherCount = together;
        acrossCells = new SplitAcrossCells(masker.profile());
    }

    /** The maskers of the row's small integer columns no masker reads, when there are enough to hold a card's groups; else null. */
    private ColumnMasker[] groupMaskers(Masker masker, List<ResultColumn> columns) {
        ColumnMasker[] groups = new ColumnMasker[columns.size()];
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            boolean readable = !binary[i] || binaryCells.readable(types[i]);
            if (maskers[i] == null && !unresolved[i] && readable && SMALL_INTEGERS.contains(types[i])) {
                groups[i] = masker.forColumn(columns.get(i).ref());
                count++;
            }
        }
        return count >= MIN_GROUP_COLUMNS ? groups : null;
    }

    public int columnCount() {
        return maskers.length;
    }

    /** Whether any column can change; when not, rows need not be decoded at all. */
    public boolean changesAnything() {
        return changesAnything;
    }

    /** The row as the profile allows it out; the same array when nothing changed. */
    public byte[][] mask(byte[][] values, MaskingReport report) {
        byte[][] out = values;
        for (int i = 0; i < maskers.length; i++) {
            if (maskers[i] == null || values[i] == null) {
                continue;
            }
            byte[] masked = cell(i, values[i], report);
            if (masked != values[i]) {
                if (out == values) {
                    out = values.clone();
                }
                out[i] = masked;
            }
        }
        return togetherCount < 2 && !endsInCutAddress(values) ? out : maskedAcrossCells(values, out, report);
    }

    /** The row's scanned cells read together: the cells that hold part of a split value, masked whole. */
    private byte[][] maskedAcrossCells(byte[][] values, byte[][] out, MaskingReport report) {
        String[] cells = new String[values.length];
        int read = 0;
        for (int i = 0; i < values.length; i++) {
            if (readTogether[i] && values[i] != null) {
                cells[i] = binary[i] && !binaryCells.isText(types[i]) ? binaryCells.toText(types[i], values[i])
                        : new String(values[i], StandardCharsets.UTF_8);
                read++;
            }
        }
        EntityType[] parts = read < 2 ? null : acrossCells.partsOf(cells);
        parts = cutAddressesLeftOpen(cells, parts);
        if (parts == null) {
            return out;
        }
        byte[][] masked = out == values ? values.clone() : out;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                ColumnMasker columnMasker = maskers[i] != null ? maskers[i] : groupMaskers[i];
                CellResult part = columnMasker.maskWholeAs(cells[i], parts[i], report);
                boolean binaryNumber = binary[i] && !binaryCells.isText(types[i]);
                masked[i] = part.value() == null ? null : binaryNumber ? binaryCells.fromText(types[i], part.value()) : part.utf8();
            }
        }
        return masked;
    }

    /** Whether a scanned cell of a row whose cells are not read together may end in an address cut at its {@code @}: a cheap look at its bytes. */
    private boolean endsInCutAddress(byte[][] values) {
        for (int i = 0; i < values.length; i++) {
            if (readTogether[i] && values[i] != null && CutAddressEnd.mayEndCut(values[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * The cells that end in an address cut at its {@code @} that no other cell of the row completes ({@code
     * ada.lovelace@}, its domain in the next row), masked as an address: the row is passed on before the next comes.
     */
    private static EntityType[] cutAddressesLeftOpen(String[] cells, EntityType[] parts) {
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] != null && (parts == null || parts[i] == null) && CutAddressEnd.endsCut(cells[i])) {
                parts = parts == null ? new EntityType[cells.length] : parts;
                parts[i] = EntityType.EMAIL;
            }
        }
        return parts;
    }

    /** One cell: the same array when unchanged, a new one (or null for NULL) when masked. */
    private byte[] cell(int column, byte[] value, MaskingReport report) {
        ColumnMasker masker = maskers[column];
        if (unresolved[column]) {
            report.fallback(masker.location(), FallbackReason.UNMASKABLE, FallbackAction.NULLIFY);
            return null;
        }
        String type = types[column];
        if (!binary[column] || binaryCells.isText(type)) {
            JwtAcrossValues token = tokens[column];
            if ((token != null && token.isOpen()) || JwtAcrossValues.mayStart(value)) {
                token = token == null ? tokens[column] = new JwtAcrossValues() : token;
                String text = new String(value, StandardCharsets.UTF_8);
                if (token.continues(text)) {
                    CellResult part = masker.maskWholeAs(text, EntityType.SECRET, report);
                    return part.value() == null ? null : part.utf8();
                }
            }
            KeyBlockAcrossValues keyBlock = keyBlocks[column];
            if (keyBlock != null && keyBlock.isOpen()) {
                String text = new String(value, StandardCharsets.UTF_8);
                if (keyBlock.continuedBy(text)) {
                    CellResult line = masker.maskKeyLine(text, report);
                    return line.value() == null ? null : line.utf8();
                }
            }
            CellResult result = masker.maskUtf8(value, 0, value.length, report);
            if (result.findings().containsKey(EntityType.SECRET.name())) {
                // a key's header is a secret find: the key's lines may follow it in the next rows
                keyBlock = keyBlock == null ? keyBlocks[column] = new KeyBlockAcrossValues() : keyBlock;
                keyBlock.afterSecret(new String(value, StandardCharsets.UTF_8));
            } else if (!result.changed() && (keyBlock != null || KeyBlockAcrossValues.mayBeKeyMaterial(value))) {
                // a line of a key's body whose header the statement left out (OFFSET 1) opens the block itself
                keyBlock = keyBlock == null ? keyBlocks[column] = new KeyBlockAcrossValues() : keyBlock;
                String text = new String(value, StandardCharsets.UTF_8);
                if (keyBlock.startedByBody(text)) {
                    CellResult line = masker.maskKeyLine(text, report);
                    return line.value() == null ? null : line.utf8();
                }
            }
            return result.changed() ? result.utf8() : value;
        }
        String text = binaryCells.readable(type) ? binaryCells.toText(type, value) : null;
        if (text == null) {
            CellResult result = masker.unreadable(report);
            return result.changed() ? null : value;
        }
        CellResult result = masker.mask(text, report);
        return result.changed() ? binaryCells.fromText(type, result.value()) : value;
    }
}
