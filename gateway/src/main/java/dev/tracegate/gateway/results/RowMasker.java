package dev.tracegate.gateway.results;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.KeyBlockAcrossValues;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Masks the rows of one result set with one profile, whatever the protocol: it describes the
 * columns ({@link ResultColumn}) and how its binary cells read ({@link BinaryCells}). Each column's decision
 * is taken once, here; per row, only the cells of columns that can change are looked at, and a
 * row without changes is forwarded as it came. A private key a column holds one line a row is
 * followed across rows ({@link KeyBlockAcrossValues}): after a row whose cell opened a key block,
 * the column's cells that are its lines are masked whole.
 */
public final class RowMasker {

    private final ColumnMasker[] maskers;
    private final String[] types;
    private final boolean[] binary;
    private final boolean[] unresolved;
    private final boolean changesAnything;
    private final BinaryCells binaryCells;
    /** Per column, a private key block its earlier cells opened, one line a row (made at the first secret found). */
    private final KeyBlockAcrossValues[] keyBlocks;

    public RowMasker(Masker masker, List<ResultColumn> columns, BinaryCells binaryCells) {
        int count = columns.size();
        this.binaryCells = binaryCells;
        maskers = new ColumnMasker[count];
        types = new String[count];
        binary = new boolean[count];
        unresolved = new boolean[count];
        keyBlocks = new KeyBlockAcrossValues[count];
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
        changesAnything = any;
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
        return out;
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
