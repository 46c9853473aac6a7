package dev.tracegate.gateway.postgres.results;

import dev.tracegate.masking.CellResult;
import dev.tracegate.masking.ColumnMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.util.List;

/**
 * Masks the rows of one result set (one RowDescription) with one profile. Each column's decision
 * is taken once, here; per row, only the cells of columns that can change are looked at, and a
 * row without changes is forwarded as it came.
 */
final class RowMasker {

    private final ColumnMasker[] maskers;
    private final String[] types;
    private final boolean[] binary;
    private final boolean[] unresolved;
    private final boolean changesAnything;

    /**
     * @param refs       the columns as the catalog names them; {@code null} when the catalog could not
     *                   be asked, and then every value read from a table becomes NULL (fail closed)
     */
    RowMasker(Masker masker, RowDescription description, List<ColumnRef> refs) {
        int count = description.columnCount();
        maskers = new ColumnMasker[count];
        types = new String[count];
        binary = new boolean[count];
        unresolved = new boolean[count];
        boolean any = false;
        for (int i = 0; i < count; i++) {
            RowDescription.Field field = description.field(i);
            ColumnRef ref = refs != null ? refs.get(i) : ColumnRef.expression(field.name());
            types[i] = ref.typeName();
            binary[i] = field.isBinary();
            unresolved[i] = refs == null && field.hasSourceColumn();
            ColumnMasker column = masker.forColumn(ref);
            maskers[i] = column.mayChangeValues() || unresolved[i] ? column : null;
            any |= maskers[i] != null;
        }
        changesAnything = any;
    }

    int columnCount() {
        return maskers.length;
    }

    /** Whether any column can change; when not, rows need not be decoded at all. */
    boolean changesAnything() {
        return changesAnything;
    }

    /** The row as the profile allows it out; the same array when nothing changed. */
    byte[][] mask(byte[][] values, MaskingReport report) {
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
        if (!binary[column] || BinaryCell.isText(type)) {
            CellResult result = masker.maskUtf8(value, 0, value.length, report);
            return result.changed() ? result.utf8() : value;
        }
        String text = BinaryCell.readable(type) ? BinaryCell.toText(type, value) : null;
        if (text == null) {
            CellResult result = masker.unreadable(report);
            return result.changed() ? null : value;
        }
        CellResult result = masker.mask(text, report);
        return result.changed() ? BinaryCell.fromText(type, result.value()) : value;
    }
}
