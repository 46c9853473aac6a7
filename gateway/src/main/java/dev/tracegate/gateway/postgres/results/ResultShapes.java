package dev.tracegate.gateway.postgres.results;

import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.gateway.results.ResultColumn;
import dev.tracegate.gateway.results.RowMasker;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.Masker;
import dev.tracegate.wire.postgres.backend.RowDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The result shapes one session has met: for a RowDescription equal to an earlier one, the
 * columns as the catalog names them, the kept rows' header and each profile's {@link RowMasker},
 * so a result costs a look-up instead of a catalog resolution and a masker per column.
 *
 * <p>A shape is reused only while its {@link ColumnResolver.Resolution} holds: the resolver has
 * read no table and learnt no type since, no schema change went through the gateway, and no table
 * of it is older than the resolver's minute. So a reused shape names the columns exactly as a
 * fresh resolution would. A masker is reused only for the very {@link Masker} it was built for:
 * a policy reload compiles new profiles, so a reloaded policy never meets a masker of the old one.
 * A description the catalog could not name in full (unreachable, a column it does not know) is
 * resolved again every time, as before. Used by the session's server-side relay thread only.
 */
public final class ResultShapes {

    /** Result shapes are chosen by clients (aliases): past this many, the memory starts over. */
    private static final int MAX_SHAPES = 64;

    private final ColumnResolver resolver;
    private final Map<RowDescription, Shape> shapes = new HashMap<>();

    public ResultShapes(ColumnResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * The shape of {@code description}, named as the catalog names its columns now.
     *
     * @throws CatalogUnavailableException when the catalog cannot be asked
     */
    Shape shape(RowDescription description) throws CatalogUnavailableException {
        Shape known = shapes.get(description);
        if (known != null && resolver.holds(known.resolution)) {
            return known;
        }
        ColumnResolver.Resolution resolution = resolver.resolution(description);
        Shape shape = new Shape(description, resolution.refs(), resolution);
        if (!resolution.reusable()) {
            shapes.remove(description);
        } else {
            if (known == null && shapes.size() >= MAX_SHAPES) {
                shapes.clear();
            }
            shapes.put(description, shape);
        }
        return shape;
    }

    /**
     * The shape of a description whose columns the catalog could not name: every column read from
     * a table is withheld (NULL), since no column rule could be applied to it (fail closed). Not kept.
     */
    static Shape unresolved(RowDescription description) {
        return new Shape(description, null, null);
    }

    /** One result shape: its columns for the masker and for the kept rows, and the maskers built for it. */
    static final class Shape {

        private final ColumnResolver.Resolution resolution;
        private final List<ResultColumn> columns;
        /** Whether each column arrives in binary format. */
        final boolean[] binary;
        /** Each column's type name, {@code null} where unknown. */
        final String[] types;
        /** The kept rows' header: output names, and type names (the OID where the name is unknown). */
        final String[] names;
        final String[] typeNames;
        private Masker lastMasker;
        private RowMasker lastRows;

        private Shape(RowDescription description, List<ColumnRef> refs, ColumnResolver.Resolution resolution) {
            this.resolution = resolution;
            int count = description.columnCount();
            binary = new boolean[count];
            types = new String[count];
            names = new String[count];
            typeNames = new String[count];
            columns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                RowDescription.Field field = description.field(i);
                ColumnRef ref = refs != null ? refs.get(i) : ColumnRef.expression(field.name());
                binary[i] = field.isBinary();
                types[i] = refs == null ? null : ref.typeName();
                names[i] = field.name();
                typeNames[i] = types[i] == null ? "oid " + Integer.toUnsignedString(field.typeOid()) : types[i];
                columns.add(new ResultColumn(ref, field.isBinary(), refs == null && field.hasSourceColumn(),
                        resolution == null ? List.of() : resolution.otherNames().get(i)));
            }
        }

        /** The rows of this shape as {@code masker}'s profile lets them out (a RowMasker holds no state between rows). */
        RowMasker rows(Masker masker) {
            if (lastMasker != masker) {
                lastRows = new RowMasker(masker, columns, BinaryCell.POSTGRES);
                lastMasker = masker;
            }
            return lastRows;
        }
    }
}
