package dev.tracegate.masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The values of one JSON record that may be pieces of one value, read together as a row's cells are
 * ({@link SplitAcrossCells}): {@code {"a": "ada.lovelace@", "b": "example.com"}}, {@code ["4111 1111",
 * "1111 1111"]}, a JWT's parts as members, a key one line a member, {@code {"a": "db password=", "b":
 * "hunter2"}}. Each value is scanned alone first; what
 * only the pieces together show is found here.
 *
 * <p>A record is the document's root or a container that is an element of an array, with every object
 * and array nested in it but those in an array of their own: {@code {"x": {"l": "ada@"}, "y": {"d":
 * "example.com"}}} is one record, while each element of {@code [{...}, {...}]} (a result's rows, a list's
 * items) and each NDJSON line is a record of its own, as a table's rows are. The last {@value #MAX_VALUES} values
 * kept as they are are held, and read together only while one of them may be a piece
 * ({@link SplitAcrossCells#mayBePiece}: an edge at an {@code @}, digit groups, a JWT's part, key
 * material), or when the value before may start a credential or this one is an assignment waiting
 * for its value: an ordinary record costs a look at each value's edges. A value
 * named by another value ({@code {"Key": "db_password", "Value": "hunter2"}}) is not read so: in JSON
 * the members' names name the values, and a string such as {@code "kind": "Secret"} names nothing after it.
 */
final class RecordPieces {

    /** The most values of one record read together: the latest, a window over a long record. */
    static final int MAX_VALUES = 16;

    /** The longest run of plain digit groups read as a card's: a 19-digit card printed 4-4-4-4-3 has five, six as a row's cells. */
    private static final int MAX_PLAIN_RUN = 6;

    /** A piece found to be part of a value: where it is, its text, what the value is and whether it is the value offered last. */
    record Found(long place, String value, EntityType type, boolean current) {
    }

    private final SplitAcrossCells split;
    /** The record's last values kept as they are, a ring from {@link #first}, with their places and what is known of them. */
    private final String[] values = new String[MAX_VALUES];
    private final long[] places = new long[MAX_VALUES];
    private final boolean[] pieces = new boolean[MAX_VALUES];
    private final boolean[] masked = new boolean[MAX_VALUES];
    private int first;
    private int size;
    /** How many of the values held may be a piece ({@link SplitAcrossCells#mayBePiece}): none, and nothing is read together. */
    private int pieceCount;
    /** How many of the last values held are plain digit groups in a row ({@link SplitAcrossCells#isPlainGroup}). */
    private int plainRun;
    /** Whether the value offered last may start a credential: the next one is read with it. */
    private boolean credentialStarted;
    /** Each value's {@link SplitAcrossCells#shapeOf shape}, asked once: the reads of the record take it from here. */
    private final int[] shapes = new int[MAX_VALUES];
    /**
     * Whether the values held were read together as they are ({@link SplitAcrossCells#piecesOf}), so that every
     * piece that read showed is masked: a value that adds nothing to them ({@link #readAgainFor}) is then
     * taken without reading them again, which a record's ordinary members after a masked card would otherwise
     * cost, one read of the whole record each.
     */
    private boolean readThrough;

    /** A look's bit beside the value's shape: the value is a number, an id or an amount, no piece of anything by itself. */
    private static final int NUMBER = 1 << 30;

    /**
     * The first look at a value of the record, asked before it is placed (a stream holds its output from a possible
     * piece on): the value's {@link SplitAcrossCells#shapeOf shape}, kept with it, and whether it is a number. An
     * int, not an object: every value of a document is looked at.
     */
    static int lookAt(int shape, boolean number) {
        return shape | (number ? NUMBER : 0);
    }

    /** Whether a value of this look may be a piece or start a credential: the record's values are then read together. */
    static boolean mayBeRead(int look) {
        return isPiece(look) || startsCredential(look);
    }

    private static boolean isPiece(int look) {
        return (look & NUMBER) == 0 && SplitAcrossCells.mayBePiece(look);
    }

    private static boolean startsCredential(int look) {
        return (look & NUMBER) == 0 && (look & SplitAcrossCells.STARTS_CREDENTIAL) != 0;
    }

    RecordPieces(SplitAcrossCells split) {
        this.split = split;
    }

    /**
     * Offers the record's next value kept as it is, at {@code place} ({@link JsonOutput#place}). Returns
     * the values, this one included, that the record's values now show to be parts of one value and that
     * were not found before; empty when none (the common case: a record none of whose values may be a
     * piece is never read together).
     */
    List<Found> offer(String value, long place, int look, boolean member) {
        boolean afterStart = credentialStarted
                && SplitAcrossCells.mayCompleteCredential(values[(first + size - 1) % MAX_VALUES], value);
        boolean plain = member && SplitAcrossCells.isPlainGroup(value);
        List<Found> found = plain ? List.of() : plainRunEnds();
        boolean heldWereRead = readThrough && size < MAX_VALUES; // none is let go for this one
        int shape = look & ~NUMBER;
        add(value, place, isPiece(look), shape);
        plainRun = plain ? plainRun + 1 : 0;
        credentialStarted = startsCredential(look);
        if (size < 2 || (pieceCount == 0 && !afterStart && !SplitAcrossCells.awaitsValue(value))) {
            readThrough = false;
            return found; // nothing held may be a piece, and no credential is cut here
        }
        if (heldWereRead && !readAgainFor(shape)) {
            return found; // read as they are, and the value adds nothing to them: the read would show what it showed
        }
        String[] cells = new String[size];
        int[] cellShapes = new int[size];
        for (int k = 0; k < size; k++) {
            cells[k] = values[(first + k) % MAX_VALUES];
            cellShapes[k] = shapes[(first + k) % MAX_VALUES];
        }
        readThrough = true;
        return collected(found, split.piecesOf(cells, cellShapes), size - 1);
    }

    /**
     * Whether the values held before a value of this {@code shape}, which were read together, must be read again
     * with it: it may add something to them ({@link SplitAcrossCells#addsNothingAsLast}), or one of them may be
     * read with a value after it ({@link SplitAcrossCells#mayReachLaterCells}).
     */
    private boolean readAgainFor(int shape) {
        if (!SplitAcrossCells.addsNothingAsLast(shape)) {
            return true;
        }
        for (int k = 0; k < size - 1; k++) {
            if (SplitAcrossCells.mayReachLaterCells(shapes[(first + k) % MAX_VALUES])) {
                return true;
            }
        }
        return false;
    }

    /**
     * The run of plain digit groups, one a member of an object, that the last values held make ends here (a value
     * of another shape, a container opening or closing): read for a card's groups when it is three to six long
     * ({@link SplitAcrossCells#plainCardGroups}; a longer one is a list of codes). Returns the members a card reaches
     * that were not masked before; a stream has kept them replaceable, as the record's last values.
     */
    List<Found> plainRunEnds() {
        int run = plainRun;
        plainRun = 0;
        if (run < 3 || run > MAX_PLAIN_RUN) {
            return List.of(); // the common record: no run of plain groups, nothing allocated
        }
        String[] groups = new String[run];
        for (int k = 0; k < run; k++) {
            groups[k] = values[(first + size - run + k) % MAX_VALUES];
        }
        return collected(List.of(), split.plainCardGroups(groups), -1);
    }

    /** {@code found} and the values {@code parts} marks (the last {@code parts.length} held) that were not masked before. */
    private List<Found> collected(List<Found> found, EntityType[] parts, int lastIndex) {
        if (parts == null) {
            return found;
        }
        List<Found> out = found;
        for (int k = 0; k < parts.length; k++) {
            int at = (first + size - parts.length + k) % MAX_VALUES;
            if (parts[k] != null && !masked[at]) {
                masked[at] = true;
                out = out instanceof ArrayList<Found> ? out : new ArrayList<>(out);
                out.add(new Found(places[at], values[at], parts[k], k == lastIndex));
            }
        }
        return out;
    }

    /**
     * Holds a value of the record masked by its own find that may be a piece (a key's header or line):
     * read with the values after it, never replaced again. One that starts with an address
     * ({@link SplitAcrossCells#STARTS_ADDRESS}, {@code lace@example.com}) is read with the values before it at once: the
     * one before may hold its local part's start ({@code "ada.love"}). Returns the earlier values so found.
     */
    List<Found> masked(String value, int shape) {
        add(value, -1, true, shape);
        readThrough = false;
        plainRun = 0;
        masked[(first + size - 1) % MAX_VALUES] = true;
        credentialStarted = false;
        if (size < 2 || (shape & SplitAcrossCells.STARTS_ADDRESS) == 0) {
            return List.of();
        }
        String[] cells = new String[size];
        int[] cellShapes = new int[size];
        for (int k = 0; k < size; k++) {
            cells[k] = values[(first + k) % MAX_VALUES];
            cellShapes[k] = shapes[(first + k) % MAX_VALUES];
        }
        return collected(List.of(), split.piecesOf(cells, cellShapes), -1);
    }

    /** Counts the value offered at {@code place} as masked by itself already: read with the values after it, never replaced again. */
    void maskedAt(long place) {
        for (int k = size - 1; k >= 0; k--) {
            int at = (first + k) % MAX_VALUES;
            if (places[at] == place) {
                masked[at] = true;
                return;
            }
        }
    }

    /** Forgets every value: the frame that holds this is taken again for another record. */
    void clear() {
        Arrays.fill(values, null);
        first = 0;
        size = 0;
        pieceCount = 0;
        plainRun = 0;
        credentialStarted = false;
        readThrough = false;
    }

    private void add(String value, long place, boolean piece, int shape) {
        if (size == MAX_VALUES) {
            pieceCount -= pieces[first] ? 1 : 0;
            first = (first + 1) % MAX_VALUES;
            size--;
        }
        int at = (first + size) % MAX_VALUES;
        values[at] = value;
        places[at] = place;
        pieces[at] = piece;
        masked[at] = false;
        shapes[at] = shape;
        pieceCount += piece ? 1 : 0;
        size++;
    }
}
