package dev.tracegate.masking;

import dev.tracegate.masking.detect.EmailDetector;
import dev.tracegate.masking.detect.SecretDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the cells of one row show only when read together. Each cell is scanned alone, so a secret
 * that a result splits across a row's cells is no find in any of them: a private key one line a
 * column after its header, a JWT as header, payload and signature columns, an API key or an
 * assignment cut in two ({@code sk_live_4eC39H} and {@code qLyjWDarjtT1zdp7dc}, {@code password=}
 * and {@code hunter2}), or a value whose name is the cell before it, as key-value tables keep
 * settings and attributes ({@code smtp_password | hunter2}, {@code ssn | 536221234}), an e-mail address cut at its
 * {@code @} ({@code ada.lovelace@ | example.com}), or a card number's groups ({@code 4111 1111 | 1111 1111}). A row is
 * whole when it is masked, so its cells are read in both directions; what they make together is
 * masked in every cell that holds part of it. Stateless: one per profile.
 */
public final class SplitAcrossCells {

    /** The shortest key a join of two cells is read for: shorter pieces make no vendor key. */
    private static final int MIN_JOINED = 16;
    /** The most characters a cell's edge token contributes to a join: keys are shorter. */
    private static final int MAX_TOKEN = 512;
    /** The longest name a cell may hold to name the value in the next one. */
    private static final int MAX_NAME = 64;
    /** The most digits a card number has. */
    private static final int MAX_CARD_DIGITS = 19;
    /** The fewest digits a card number has. */
    private static final int MIN_CARD_DIGITS = 12;
    /** The fewest digits of a group a card is printed in (a 19-digit card's last three). */
    private static final int MIN_CARD_GROUP = 3;
    /** The most digits of a group a card is printed in (American Express's middle six). */
    private static final int MAX_CARD_GROUP = 6;
    /** The most cells a card's groups are read across: four groups of four, one a cell. */
    private static final int MAX_CARD_PIECES = 4;
    /** The most cells cut at an {@code @} a row's pieces are paired among. */
    private static final int MAX_PIECES = 8;
    /** The most cells of digit groups a row's pieces are ordered among (6 make 510 orders of two to four). */
    private static final int MAX_CARD_CELLS = 6;
    /** The fewest plain groups read as a card's ({@link #plainCardGroups}): an American Express card's 4-6-5. */
    private static final int MIN_PLAIN_GROUPS = 3;

    /** The fewest digits plain groups are read as a card's with: the shortest card the detector knows, 13 digits. */
    private static final int MIN_PLAIN_CARD_DIGITS = 13;

    /** The most read cells a row may have for an address's pieces to be paired (each with every other). */
    private static final int MAX_ROW_CELLS = 64;

    /** The most read cells a row may have for a name in its last to name the cell before it (value | name, id | value | name). */
    private static final int MAX_VALUE_FIRST_CELLS = 3;

    private final MaskingProfile profile;

    public SplitAcrossCells(MaskingProfile profile) {
        this.profile = profile;
    }

    /**
     * Per cell of {@code cells} ({@code null} for one not read: NULL, or not text the detectors scan),
     * the entity of a value the row splits across it and other cells, or {@code null}; {@code null}
     * for the whole row when it splits none, the common case.
     */
    public EntityType[] partsOf(String[] cells) {
        return namedValues(cells, piecesOf(cells));
    }

    /**
     * {@link #partsOf} but for values named by the cell beside them: what pieces of one value show
     * together, for values that are not a table's cells (a JSON record's strings, whose names are the
     * members' names: a string {@code "Secret"} names no value after it).
     */
    public EntityType[] piecesOf(String[] cells) {
        int[] shapes = new int[cells.length];
        for (int i = 0; i < cells.length; i++) {
            shapes[i] = shapeOf(cells[i]);
        }
        return piecesOf(cells, shapes);
    }

    /** {@link #piecesOf(String[])} of cells whose {@link #shapeOf shapes} the caller has: each cell looked at once, not once a pass. */
    EntityType[] piecesOf(String[] cells, int[] shapes) {
        EntityType[] parts = keyLinesAcross(cells, shapes, null);
        parts = jwtPartsAcross(cells, shapes, parts);
        parts = credentialsCut(cells, shapes, parts);
        parts = addressesCutAtTheirAt(cells, shapes, parts);
        parts = addressesCutInTheirDomain(cells, shapes, parts);
        parts = addressesCutInTheirLocalPart(cells, shapes, parts);
        parts = cardsCutInARun(cells, shapes, parts);
        return cardGroupsAcross(cells, shapes, parts);
    }

    /** {@link #shapeOf} bits: a cell's last token ends or its first starts with an {@code @} ({@link #isCutAtAnAt}). */
    static final int CUT_AT_AN_AT = 1;
    /** Its last token is an address cut inside its domain ({@link #isCutInItsDomain}). */
    static final int CUT_IN_DOMAIN = 1 << 1;
    /** It is digit groups alone ({@link #digitGroups}). */
    static final int DIGIT_GROUPS = 1 << 2;
    /** It is digit groups or a run of digits that hold a space, or a hyphen after their first character ({@link #isGrouped}). */
    static final int GROUPED = 1 << 3;
    /** It is a JWT's JSON part ({@link JwtAcrossValues.Part#JSON}). */
    static final int JWT_JSON = 1 << 4;
    /** It is a JWT's signature ({@link JwtAcrossValues.Part#SIGNATURE}). */
    static final int JWT_SIGNATURE = 1 << 5;
    /** It starts as a JWT's JSON part does ({@link #startsJson}). */
    static final int STARTS_JSON = 1 << 6;
    /** It may be a private key's material ({@link KeyBlockAcrossValues#mayBeKeyMaterial}). */
    static final int KEY_MATERIAL = 1 << 7;
    /** Its last token may start a credential ({@link #mayStartCredential}). */
    static final int STARTS_CREDENTIAL = 1 << 8;
    /** It ends with an assignment waiting for its value ({@link #awaitsValue}). */
    static final int AWAITS_VALUE = 1 << 9;
    /** It is digits alone, single spaces or hyphens between them, groups of any length ({@link #runDigits}). */
    static final int DIGIT_RUN = 1 << 10;
    /** Its first token is an address from its first character ({@link #startsAddress}): the cell before may hold the local part's start. */
    static final int STARTS_ADDRESS = 1 << 11;

    /**
     * What every first look {@link #piecesOf} takes at a cell sees, one bit each ({@link #CUT_AT_AN_AT}, ...; 0 for
     * {@code null}): a reader of many values (a JSON record's, {@link RecordPieces}) asks once a value, and the passes
     * over a row read the bits instead of asking again.
     */
    static int shapeOf(String cell) {
        if (cell == null || strippedStart(cell) == cell.length()) {
            return 0; // white space alone (a padding member) is none of these, told in one pass instead of one a look
        }
        JwtAcrossValues.Part part = JwtAcrossValues.partOf(cell);
        boolean digitGroups = digitGroups(cell) > 0;
        boolean digitRun = digitGroups || runDigits(cell) > 0; // digit groups are a run of digits too
        return (isCutAtAnAt(cell) ? CUT_AT_AN_AT : 0)
                | (isCutInItsDomain(cell) ? CUT_IN_DOMAIN : 0)
                | (digitGroups ? DIGIT_GROUPS : 0)
                | (digitRun ? DIGIT_RUN : 0)
                | (digitRun && isGrouped(cell) ? GROUPED : 0) // only ever read with DIGIT_GROUPS or DIGIT_RUN
                | (part == JwtAcrossValues.Part.JSON ? JWT_JSON : part == JwtAcrossValues.Part.SIGNATURE ? JWT_SIGNATURE : 0)
                | (startsJson(cell) ? STARTS_JSON : 0)
                | (KeyBlockAcrossValues.mayBeKeyMaterial(cell) ? KEY_MATERIAL : 0)
                | (mayStartCredential(cell) ? STARTS_CREDENTIAL : 0)
                | (awaitsValue(cell) ? AWAITS_VALUE : 0)
                | (startsAddress(cell) ? STARTS_ADDRESS : 0);
    }

    private static boolean has(int shape, int bits) {
        return (shape & bits) != 0;
    }

    /**
     * Whether {@code cell} may be a piece of a value other cells complete, by the same first looks
     * {@link #piecesOf} takes (an edge at an {@code @}, digit groups, a JWT's part, key material):
     * cheap, so a reader of many values (a JSON record's strings, {@link RecordPieces}) reads them
     * together only while one of them may be. A credential's start is asked apart
     * ({@link #mayStartCredential}): only the value right after it can complete it.
     */
    public static boolean mayBePiece(String cell) {
        return mayBePiece(shapeOf(cell));
    }

    /** {@link #mayBePiece(String)} of a cell's {@link #shapeOf shape}. */
    static boolean mayBePiece(int shape) {
        // digits alone (an id, an amount) are no card's piece until a grouped cell beside them is
        // a grouped run cut inside a group (4111 11) is one too (cardsCutInARun)
        return has(shape, CUT_AT_AN_AT | CUT_IN_DOMAIN | STARTS_ADDRESS | JWT_JSON | JWT_SIGNATURE | KEY_MATERIAL)
                || (has(shape, DIGIT_RUN) && has(shape, GROUPED));
    }

    /**
     * Whether {@link #piecesOf} may read a cell of this {@link #shapeOf shape} together with a cell after it: it
     * may open a key block, start a credential or wait for an assignment's value, or it is cut at an {@code @} or
     * in its domain. A row none of whose cells does can take another cell that adds nothing by itself
     * ({@link #addsNothingAsLast}) without a new read: what the row shows is what it showed before.
     */
    static boolean mayReachLaterCells(int shape) {
        return has(shape, KEY_MATERIAL | AWAITS_VALUE | STARTS_CREDENTIAL | CUT_AT_AN_AT | CUT_IN_DOMAIN);
    }

    /**
     * Whether a cell of this {@link #shapeOf shape}, the last of a row, gives {@link #piecesOf} nothing to read that
     * the row's other cells do not: no key material, no JWT part, no assignment waiting for its value (which reads
     * the cell before it), no cut at an {@code @} or in a domain, no digit groups nor run of digits. Then, when no other cell
     * {@link #mayReachLaterCells}, every pass finds in the row exactly what it finds without the cell, and
     * nothing in the cell.
     */
    static boolean addsNothingAsLast(int shape) {
        return !has(shape, DIGIT_GROUPS | DIGIT_RUN | KEY_MATERIAL | AWAITS_VALUE | CUT_AT_AN_AT | CUT_IN_DOMAIN | STARTS_ADDRESS
                | STARTS_JSON | JWT_JSON | JWT_SIGNATURE);
    }

    /** Whether {@code cell}'s last token may start a credential the next cell completes ({@link SecretDetector#mayStartCredential}). */
    public static boolean mayStartCredential(String cell) {
        int start = lastTokenStart(cell);
        return start >= 0 && SecretDetector.mayStartCredential(cell, start, tokenEnd(cell));
    }

    /**
     * Whether {@code next}, the cell after {@code started} (whose last token {@link #mayStartCredential}),
     * may complete a credential with it: the two make a key's shortest length together, or {@code
     * started} is an assignment waiting for its value.
     */
    public static boolean mayCompleteCredential(String started, String next) {
        int start = lastTokenStart(started);
        return start >= 0 && (tokenEnd(started) - start + next.length() >= MIN_JOINED || awaitsValue(started));
    }

    /** Whether {@code cell} ends with an assignment waiting for its value ({@code db password=}), which a cell before it may hold. */
    public static boolean awaitsValue(String cell) {
        int end = tokenEnd(cell);
        return end > 1 && (cell.charAt(end - 1) == '=' || cell.charAt(end - 1) == ':') && endsWithAssignment(tailToken(cell));
    }

    /** A private key one line a cell, after its header's cell or from a line of its body: as down a column. */
    private static EntityType[] keyLinesAcross(String[] cells, int[] shapes, EntityType[] parts) {
        KeyBlockAcrossValues block = null;
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            if (cell == null || (block == null && !has(shapes[i], KEY_MATERIAL))) {
                continue;
            }
            block = block == null ? new KeyBlockAcrossValues() : block;
            if (block.isOpen() && block.continuedBy(cell)) {
                parts = marked(parts, cells.length, i, EntityType.SECRET);
            } else if (KeyBlockAcrossValues.opensBlock(cell)) {
                block.afterSecret(cell);
            } else if (block.startedByBody(cell)) {
                parts = marked(parts, cells.length, i, EntityType.SECRET);
            }
        }
        return parts;
    }

    /**
     * A JWT's parts in cells of their own: a cell of base64url that starts as JSON does ({@code eyJ},
     * a header or a payload) and another such cell or a signature's (43 characters of base64url or
     * more) make a token together, and all of them are masked. Cells of base64url with dots count too
     * ({@code header.payload} and the signature apart).
     */
    private static EntityType[] jwtPartsAcross(String[] cells, int[] shapes, EntityType[] parts) {
        int json = 0;
        int pieces = 0;
        boolean startsJson = false;
        for (int shape : shapes) {
            startsJson |= has(shape, STARTS_JSON);
            json += has(shape, JWT_JSON) ? 1 : 0;
            pieces += has(shape, JWT_JSON | JWT_SIGNATURE) ? 1 : 0;
        }
        if (!startsJson || json == 0 || pieces < 2) {
            return parts; // the common row: no cell starts as a JWT's JSON part does
        }
        for (int i = 0; i < cells.length; i++) {
            if (has(shapes[i], JWT_JSON | JWT_SIGNATURE)) {
                parts = marked(parts, cells.length, i, EntityType.SECRET);
            }
        }
        return parts;
    }

    /** Whether {@code cell} starts as a JWT's JSON part does ({@code eyJ}, after white space or a dot). */
    private static boolean startsJson(String cell) {
        return cell.startsWith("eyJ", strippedStart(cell)) || cell.contains(".eyJ");
    }

    /**
     * A credential cut between two neighbouring cells: the last token of one that may start a
     * credential ({@link SecretDetector#mayStartCredential}), joined with the cells after it that are
     * one token each and the first token of the one after those, is scanned; a secret found across
     * the join masks every cell it reaches into.
     */
    private EntityType[] credentialsCut(String[] cells, int[] shapes, EntityType[] parts) {
        for (int i = 0; i < cells.length; i++) {
            parts = has(shapes[i], AWAITS_VALUE) ? assignmentsApart(cells, parts, i) : parts;
        }
        for (int i = 0; i < cells.length - 1; i++) {
            if (cells[i + 1] == null || !has(shapes[i], STARTS_CREDENTIAL)) {
                continue;
            }
            String tail = cells[i].substring(lastTokenStart(cells[i]), tokenEnd(cells[i]));
            StringBuilder joined = new StringBuilder(tail);
            int[] ends = new int[cells.length];
            ends[i] = joined.length();
            int last = i;
            for (int j = i + 1; j < cells.length && cells[j] != null && joined.length() < MAX_TOKEN; j++) {
                String head = firstToken(cells[j]);
                if (head == null) {
                    break;
                }
                joined.append(head);
                ends[j] = joined.length();
                last = j;
                if (head.length() != cells[j].length()) {
                    break; // a cell of more than one token ends the join
                }
            }
            // the shortest join that completes a secret: a key of an exact length ends where its last piece does
            for (int end = i + 1; end <= last; end++) {
                if (ends[end] >= MIN_JOINED) {
                    EntityType[] found = foundAcross(joined.substring(0, ends[end]), i, end, ends, EntityType.SECRET);
                    if (found != null) {
                        parts = merged(parts, found);
                        break;
                    }
                }
            }
        }
        return parts;
    }

    /**
     * An assignment of cell {@code i} ({@code password=}, {@code db password:}) whose value is not the
     * cell right after it: its name cut in two with the cell before ({@code pass | word= | hunter2}), or
     * its value in the cell before it when no cell follows ({@code hunter2 | db password=}: the caller
     * chooses the order of the columns). Each join is scanned; a secret it makes masks every cell it
     * reaches into.
     */
    private EntityType[] assignmentsApart(String[] cells, EntityType[] parts, int i) {
        if (cells[i] == null || !awaitsValue(cells[i])) {
            return parts; // the common cell: it does not end with = or :
        }
        String tail = tailToken(cells[i]);
        String before = i > 0 && cells[i - 1] != null ? tailToken(cells[i - 1]) : null;
        String after = i + 1 < cells.length && cells[i + 1] != null ? firstToken(cells[i + 1]) : null;
        if (before != null && after != null) {
            parts = assignedValue(parts, cells, before + tail, i + 1, after);
        }
        String value = i > 0 && cells[i - 1] != null ? cells[i - 1].strip() : "";
        if (after == null && !value.isEmpty() && value.indexOf(' ') < 0) {
            parts = assignedValue(parts, cells, tail, i - 1, value);
        }
        return parts;
    }

    /**
     * {@code name} (an assignment, {@code password=}) joined with {@code value}, the first token of the
     * cell {@code valueCell}, and scanned: a secret the detectors find in the value after the name masks
     * that cell (the find is the value; the name's cells stay).
     */
    private EntityType[] assignedValue(EntityType[] parts, String[] cells, String name, int valueCell, String value) {
        try {
            for (ContentScanner.Span span : profile.scanner().spans(name + value)) {
                if (EntityType.SECRET.name().equals(span.label()) && span.end() > name.length()) {
                    return marked(parts, cells.length, valueCell, EntityType.SECRET);
                }
            }
        } catch (ScanBudgetExceededException e) {
            return marked(parts, cells.length, valueCell, EntityType.SECRET);
        }
        return parts;
    }

    /** Whether {@code token} ends with a name's {@code =} or {@code :} and nothing after it: an assignment waiting for its value. */
    private static boolean endsWithAssignment(String token) {
        int last = token.length() - 1;
        char end = token.charAt(last);
        return last > 0 && (end == '=' || end == ':') && (Character.isLetter(token.charAt(last - 1))
                || token.charAt(last - 1) == '_');
    }

    /**
     * An e-mail address cut at its {@code @} between cells of the row, as a table that keeps an address's
     * local part and domain apart prints it: {@code ada.lovelace@ | example.com}, {@code ada.lovelace |
     * @example.com}, or {@code ada.lovelace | @ | example.com}. The pieces are paired in whichever cells
     * they are, not only neighbours: the caller chooses the order of the columns ({@code SELECT domain, id,
     * local}). Only a cut at the {@code @} is read: a cell's last token ending in it, a cell's first token
     * starting with it, or a cell that is the {@code @} alone; {@code ada | example.com} without one is a
     * user and a host as often as an address.
     */
    private EntityType[] addressesCutAtTheirAt(String[] cells, int[] shapes, EntityType[] parts) {
        List<Integer> ats = null;
        for (int i = 0; i < cells.length; i++) {
            if (has(shapes[i], CUT_AT_AN_AT)) {
                ats = ats == null ? new ArrayList<>() : ats;
                ats.add(i);
            }
        }
        if (ats == null) {
            return parts; // the common row: no cell starts or ends with an @
        }
        if (ats.size() > MAX_PIECES || readCount(cells) > MAX_ROW_CELLS) {
            return cutAtEdges(cells, parts, ats); // too many to pair: fail closed on the pieces cut at an @
        }
        for (int at : ats) {
            String cell = cells[at];
            String tail = tailToken(cell);
            String head = firstToken(cell);
            for (int other = 0; other < cells.length; other++) {
                if (other == at || cells[other] == null) {
                    continue;
                }
                if (tail != null && tail.length() > 1 && tail.endsWith("@") && firstToken(cells[other]) != null) {
                    parts = found(parts, cells, new int[] {at, other}, new String[] {tail, firstToken(cells[other])}, "", EntityType.EMAIL);
                }
                if (head != null && head.length() > 1 && head.startsWith("@") && tailToken(cells[other]) != null) {
                    parts = found(parts, cells, new int[] {other, at}, new String[] {tailToken(cells[other]), head}, "", EntityType.EMAIL);
                }
                if (cell.strip().equals("@") && tailToken(cells[other]) != null) {
                    for (int domain = 0; domain < cells.length; domain++) {
                        if (domain != at && domain != other && cells[domain] != null && firstToken(cells[domain]) != null) {
                            parts = found(parts, cells, new int[] {other, at, domain},
                                    new String[] {tailToken(cells[other]), "@", firstToken(cells[domain])}, "", EntityType.EMAIL);
                        }
                    }
                }
            }
        }
        return parts;
    }

    /**
     * A card number's digit groups in cells of the row, as a form that keeps a card in groups, or a copy cut
     * in the middle, prints it: {@code 4111 1111 | 1111 1111}, in any columns and any order of them (the
     * caller chooses both). Cells that are digit groups alone are joined by a space, two to four of them up
     * to {@value #MAX_CARD_DIGITS} digits, and read for a card; only when one of them is itself grouped (a
     * space or hyphen between digits), since four cells of four digits each (postcodes, PINs, codes) make a
     * card by chance one time in thirty-three (docs/masking.md).
     */
    private EntityType[] cardGroupsAcross(String[] cells, int[] shapes, EntityType[] parts) {
        List<Integer> groups = null;
        boolean grouped = false;
        for (int i = 0; i < cells.length; i++) {
            if (has(shapes[i], DIGIT_GROUPS)) {
                groups = groups == null ? new ArrayList<>() : groups;
                groups.add(i);
                grouped |= has(shapes[i], GROUPED);
            }
        }
        if (!grouped) {
            return groups == null || groups.size() < MIN_PLAIN_GROUPS ? parts : plainGroupsInARow(cells, parts);
        }
        if (groups.size() < 2) {
            return parts; // the common row: fewer than two cells of digit groups
        }
        if (groups.size() > MAX_CARD_CELLS) {
            for (int cell : groups) { // too many to order every way: fail closed on them all
                parts = marked(parts, cells.length, cell, EntityType.CARD);
            }
            return parts;
        }
        int[] groupCells = new int[groups.size()];
        int[] groupDigits = new int[groupCells.length];
        boolean[] groupGrouped = new boolean[groupCells.length];
        for (int g = 0; g < groupCells.length; g++) {
            groupCells[g] = groups.get(g);
            groupDigits[g] = digitGroups(cells[groupCells[g]]);
            groupGrouped[g] = has(shapes[groupCells[g]], GROUPED);
        }
        return cardsInOrders(cells, parts, new CardGroups(groupCells, groupDigits, groupGrouped), new int[MAX_CARD_PIECES], 0,
                0, false);
    }

    /** The cells of a row that are digit groups alone, with the digits of each and whether it is grouped, asked once a row. */
    private record CardGroups(int[] cells, int[] digits, boolean[] grouped) {
    }

    /**
     * A card's plain groups one a cell in consecutive cells, in the row's order: {@code SELECT '4111', '1111', '1111',
     * '1111'}, a form's table keeping a card so. Each run of {@value #MIN_PLAIN_GROUPS} to {@value #MAX_CARD_CELLS}
     * neighbouring plain groups ({@link #isPlainGroup}) of {@value #MIN_PLAIN_CARD_DIGITS} to {@value #MAX_CARD_DIGITS}
     * digits is joined by a space and read for a card. Only neighbours in the row's order, as a reader reads them: every
     * order of four codes would make a card by chance one time in thirty-three; one order, with the card detector's
     * issuer ranges and Luhn check, a few in a thousand of such rows of random codes (docs/masking.md).
     */
    private EntityType[] plainGroupsInARow(String[] cells, EntityType[] parts) {
        EntityType[] out = parts;
        for (int first = 0; first < cells.length; first++) {
            int digits = 0;
            for (int last = first; last < cells.length && last - first < MAX_CARD_CELLS && cells[last] != null
                    && isPlainGroup(cells[last].strip()); last++) {
                digits += cells[last].strip().length();
                if (last - first + 1 >= MIN_PLAIN_GROUPS && digits >= MIN_PLAIN_CARD_DIGITS && digits <= MAX_CARD_DIGITS) {
                    out = cardInNeighbours(cells, out, first, last, " ");
                }
            }
        }
        return out;
    }

    /** The cells {@code first..last} joined in their order by {@code joiner} and read for a card. */
    private EntityType[] cardInNeighbours(String[] cells, EntityType[] parts, int first, int last, String joiner) {
        int[] order = new int[last - first + 1];
        String[] pieces = new String[order.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = first + k;
            pieces[k] = cells[first + k].strip();
        }
        return found(parts, cells, order, pieces, joiner, EntityType.CARD);
    }

    /**
     * A card's digits cut anywhere between neighbouring read cells, inside a group or in a run written without groups:
     * {@code 4111 11 | 11 1111 1111}, {@code 41111111 | 11111111}, as a statement cutting a value with {@code substr}
     * or {@code left} and {@code right} prints it. {@link #cardGroupsAcross} reads whole groups only, joined by a
     * space, so before 2026-12-07 such a row showed the card in clear. Each run of two to {@value #MAX_CARD_CELLS}
     * neighbouring cells that are digits alone (single spaces or hyphens between them), {@value #MIN_CARD_DIGITS} to
     * {@value #MAX_CARD_DIGITS} digits together, is joined as written and read for a card reaching into two cells or
     * more, as {@link LineBrokenCard} reads a card's lines, when one of them is no plain group (a run of plain groups
     * is {@link #plainGroupsInARow}'s: lists of bug numbers, {@code #358092, #358093, #358094}, made cards so). The card
     * detector's issuer ranges and Luhn check set two numbers side by side apart from a card's pieces (docs/masking.md).
     */
    private EntityType[] cardsCutInARun(String[] cells, int[] shapes, EntityType[] parts) {
        EntityType[] out = parts;
        for (int first = 0; first + 1 < cells.length; first++) {
            if (!has(shapes[first], DIGIT_RUN) || !has(shapes[first + 1], DIGIT_RUN)) {
                continue; // no run starts here: most rows, told by their shapes
            }
            int digits = runDigits(cells[first]);
            boolean cut = digits > 0 && !isPlainGroup(cells[first].strip());
            for (int last = first + 1; digits > 0 && last < cells.length && last - first < MAX_CARD_CELLS; last++) {
                int more = runDigits(cells[last]);
                if (more == 0 || digits + more > MAX_CARD_DIGITS) {
                    break;
                }
                digits += more;
                cut |= !isPlainGroup(cells[last].strip());
                if (digits >= MIN_CARD_DIGITS && cut) { // plain groups alone are plainGroupsInARow's, joined by spaces
                    out = cardInNeighbours(cells, out, first, last, "");
                }
            }
        }
        return out;
    }

    /** How many digits {@code cell} holds when it is digits alone, single spaces or hyphens between them; else 0. */
    private static int runDigits(String cell) {
        String text = cell == null ? "" : cell.strip();
        if (text.isEmpty() || text.length() > 2 * MAX_CARD_DIGITS || !isDigit(text.charAt(text.length() - 1))) {
            return 0;
        }
        int digits = 0;
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (isDigit(c)) {
                digits++;
            } else if (!((c == ' ' || c == '-') && k > 0 && isDigit(text.charAt(k - 1)))) {
                return 0;
            }
        }
        return digits;
    }

    /**
     * A card's groups one plain group a value in consecutive values of one JSON record ({@code {"a": "4111", "b":
     * "1111", "c": "1111", "d": "1111"}}, or as numbers): {@code groups}, three to {@value #MAX_CARD_CELLS} values of
     * {@value #MIN_CARD_GROUP} to {@value #MAX_CARD_GROUP} digits alone each, joined by a space in the record's
     * order and read for a card, as a table's neighbouring cells are ({@link #plainGroupsInARow}); the card detector's issuer ranges and Luhn check are what set a
     * record of codes apart (docs/masking.md). Returns, per value, the card's entity where a find reaches it, or null.
     */
    EntityType[] plainCardGroups(String[] groups) {
        int digits = 0;
        for (String group : groups) {
            digits += group.length();
        }
        if (groups.length < MIN_PLAIN_GROUPS || groups.length > MAX_CARD_CELLS || digits < MIN_PLAIN_CARD_DIGITS
                || digits > MAX_CARD_DIGITS) {
            return null;
        }
        int[] order = new int[groups.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        return found(null, groups, order, groups, " ", EntityType.CARD);
    }

    /** Whether {@code value} is one plain group of a card's digits: {@value #MIN_CARD_GROUP} to {@value #MAX_CARD_GROUP} ASCII digits, nothing else. */
    static boolean isPlainGroup(String value) {
        if (!isCardGroup(value.length())) {
            return false;
        }
        for (int k = 0; k < value.length(); k++) {
            if (!isDigit(value.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** Every order of two to four of the cells {@code groups}, extending {@code chosen}, joined and read for a card. */
    private EntityType[] cardsInOrders(String[] cells, EntityType[] parts, CardGroups groups, int[] chosen, int count,
                                       int digits, boolean grouped) {
        EntityType[] out = parts;
        if (count >= 2 && grouped && digits >= MIN_CARD_DIGITS) {
            int[] order = Arrays.copyOf(chosen, count);
            String[] pieces = new String[count];
            for (int k = 0; k < count; k++) {
                pieces[k] = cells[order[k]].strip();
            }
            out = found(out, cells, order, pieces, " ", EntityType.CARD);
        }
        if (count == MAX_CARD_PIECES) {
            return out;
        }
        for (int g = 0; g < groups.cells().length; g++) {
            int cell = groups.cells()[g];
            if (!chosenAlready(chosen, count, cell) && digits + groups.digits()[g] <= MAX_CARD_DIGITS) {
                chosen[count] = cell;
                out = cardsInOrders(cells, out, groups, chosen, count + 1, digits + groups.digits()[g],
                        grouped || groups.grouped()[g]);
            }
        }
        return out;
    }

    private static boolean chosenAlready(int[] chosen, int count, int cell) {
        for (int k = 0; k < count; k++) {
            if (chosen[k] == cell) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code pieces} of the cells {@code order}, joined by {@code glue} and scanned: a find of {@code type}
     * that reaches into two pieces or more masks every cell it reaches into.
     */
    private EntityType[] found(EntityType[] parts, String[] cells, int[] order, String[] pieces, String glue, EntityType type) {
        StringBuilder joined = new StringBuilder();
        int[] starts = new int[pieces.length];
        int[] ends = new int[pieces.length];
        for (int k = 0; k < pieces.length; k++) {
            joined.append(k == 0 ? "" : glue);
            starts[k] = joined.length();
            joined.append(pieces[k]);
            ends[k] = joined.length();
        }
        List<ContentScanner.Span> spans;
        try {
            spans = profile.scanner().spans(joined.toString());
        } catch (ScanBudgetExceededException e) {
            return parts;
        }
        EntityType[] out = parts;
        for (ContentScanner.Span span : spans) {
            int reached = 0;
            for (int k = 0; k < pieces.length; k++) {
                reached += span.start() < ends[k] && span.end() > starts[k] ? 1 : 0;
            }
            if (reached < 2 || !type.name().equals(span.label())) {
                continue; // a find within one piece is that cell's own
            }
            for (int k = 0; k < pieces.length; k++) {
                if (span.start() < ends[k] && span.end() > starts[k]) {
                    out = marked(out, cells.length, order[k], type);
                }
            }
        }
        return out;
    }

    /**
     * A row with more cells cut at an {@code @} than are paired, or too wide to pair a lone {@code @} with
     * every other two: each cell cut at an {@code @} (a token ending or starting with it, or the {@code @}
     * alone) is masked, and with a lone one every cell whose first token may be a domain.
     */
    private static EntityType[] cutAtEdges(String[] cells, EntityType[] parts, List<Integer> ats) {
        boolean lone = false;
        for (int at : ats) {
            lone |= cells[at].strip().equals("@");
            parts = marked(parts, cells.length, at, EntityType.EMAIL);
        }
        for (int i = 0; lone && i < cells.length; i++) {
            String head = cells[i] == null ? null : firstToken(cells[i]);
            if (head != null && head.indexOf('.') > 0 && head.indexOf('@') < 0) {
                parts = marked(parts, cells.length, i, EntityType.EMAIL);
            }
        }
        return parts;
    }

    /** Whether {@code cell}'s first or last character but white space is an {@code @}: a piece of an address cut there. */
    /**
     * Whether {@code cell}'s last token is an address cut in its domain: a local part, an {@code @} and a domain
     * that is not whole yet (no dot, or a last label of one character): {@code ada.lovelace@exam},
     * {@code ada@example.c}. A domain ending in its dot is a sentence's end as often ({@code ... anton@genua.de.
     * Thanks}); cut right after a dot it is {@link CutAddressEnd}'s.
     */
    static boolean isCutInItsDomain(String cell) {
        if (cell.indexOf('@') < 0) {
            return false; // most cells, told by the JDK's vectorised search before the last token is looked for
        }
        int end = tokenEnd(cell);
        int at = cell.lastIndexOf('@', end - 1);
        if (at <= 0 || at >= end - 1 || Character.isWhitespace(cell.charAt(at - 1))) {
            return false;
        }
        for (int k = at + 1; k < end; k++) {
            if (!isDomainChar(cell.charAt(k))) {
                return false;
            }
        }
        int dot = cell.lastIndexOf('.', end - 1);
        return dot < at || end - dot - 1 == 1;
    }

    private static boolean isDomainChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-');
    }

    /**
     * An e-mail address cut inside its domain between a cell and the next one read, as a value broken over two lines
     * shows in psql's expanded output ({@code email | ada.lovelace@exam+}, {@code | ple.com}) or a table cut a
     * column's text in two: the cell's last token ({@link #isCutInItsDomain}) and the next cell's first, joined as
     * they are, read for an address that reaches into both. Only neighbours: a domain's rest is what comes next.
     */
    private EntityType[] addressesCutInTheirDomain(String[] cells, int[] shapes, EntityType[] parts) {
        EntityType[] out = parts;
        for (int i = 0; i < cells.length; i++) {
            if (!has(shapes[i], CUT_IN_DOMAIN)) {
                continue;
            }
            int next = i + 1;
            while (next < cells.length && (cells[next] == null || cells[next].isBlank())) {
                next++;
            }
            String head = next < cells.length ? firstToken(cells[next].strip()) : null;
            if (head != null) {
                out = found(out, cells, new int[] {i, next}, new String[] {tailToken(cells[i]), head}, "", EntityType.EMAIL);
            }
        }
        return out;
    }

    /**
     * Whether {@code cell}'s first token is an address from its first character: a local part, an {@code @} inside the
     * token and a dot after it ({@code lace@example.com}). The cell before it may hold the local part's start.
     */
    static boolean startsAddress(String cell) {
        int at = cell.indexOf('@');
        if (at <= 0) {
            return false; // most cells, told by the JDK's vectorised search
        }
        String head = firstToken(cell);
        return head != null && at < head.length() - 1 && head.indexOf('.', at) > at + 1;
    }

    /**
     * An e-mail address cut inside its local part between a cell and the next one read ({@code ada.love | lace@example.com},
     * {@code ["ada.love", "lace@example.com"]}): the second is an address by itself and is masked, the first showed the
     * local part's start. When the cell before one that {@link #startsAddress} is a single token that reads as a local
     * part's piece ({@link LineBrokenAddress#isLocalPartPiece}: it ends in a letter and has a dot, an underscore or a
     * digit inside it, as a line cut in its local part is read), the two joined as they are are read for an address that
     * reaches into both. Only neighbours in the row's order: a word ({@code admin | ops@example.com}) stays, and so does
     * a piece without such a mark ({@code adalove | lace@example.com}), as on two lines, and a domain beside an address
     * or a file's name beside one ({@code example.com | ada@example.com}, {@code seeds.json | ada@example.com}: a dotted
     * word ending in a top-level domain people write or a file's ending).
     */
    private EntityType[] addressesCutInTheirLocalPart(String[] cells, int[] shapes, EntityType[] parts) {
        EntityType[] out = parts;
        for (int i = 1; i < cells.length; i++) {
            if (!has(shapes[i], STARTS_ADDRESS)) {
                continue;
            }
            int before = i - 1;
            while (before >= 0 && (cells[before] == null || cells[before].isBlank())) {
                before--;
            }
            String piece = before < 0 ? null : cells[before].strip();
            if (piece != null && piece.length() <= MAX_TOKEN && tokenEnd(piece) == piece.length() && lastTokenStart(piece) == 0
                    && LineBrokenAddress.isLocalPartPiece(piece, 0, piece.length()) && !readsAsHostOrFileName(piece)) {
                out = found(out, cells, new int[] {before, i}, new String[] {piece, firstToken(cells[i])}, "", EntityType.EMAIL);
            }
        }
        return out;
    }

    /** File endings of three letters or more (two-letter ones read as top-level domains already): a file's name beside an address. */
    private static final Set<String> FILE_ENDINGS = Set.of("json", "txt", "html", "htm", "xml", "yaml", "yml", "csv", "log",
            "java", "pdf", "png", "jpg", "jpeg", "gif", "svg", "zip", "conf", "toml", "lock", "exe", "dll", "tar", "tgz");

    /**
     * Whether {@code piece} is a dotted word ending in a top-level domain people write or a file's ending: a host or a
     * file's name beside an address ({@code example.com}, {@code seeds.json} before a package's author), no local
     * part's start.
     */
    private static boolean readsAsHostOrFileName(String piece) {
        int label = piece.length();
        while (label > 0 && piece.charAt(label - 1) < 128 && Character.isLetter(piece.charAt(label - 1))) {
            label--;
        }
        return label > 1 && piece.charAt(label - 1) == '.' && (EmailDetector.endsInWrittenTopLevel(piece, piece.length())
                || FILE_ENDINGS.contains(piece.substring(label).toLowerCase(Locale.ROOT)));
    }

    private static boolean isCutAtAnAt(String cell) {
        int end = tokenEnd(cell);
        int start = 0;
        while (start < end && Character.isWhitespace(cell.charAt(start))) {
            start++;
        }
        return start < end && (cell.charAt(start) == '@' || cell.charAt(end - 1) == '@');
    }

    private static int readCount(String[] cells) {
        int read = 0;
        for (String cell : cells) {
            read += cell == null ? 0 : 1;
        }
        return read;
    }

    /** {@code cell}'s last token, or null when it has none. */
    private static String tailToken(String cell) {
        int start = lastTokenStart(cell);
        return start < 0 ? null : cell.substring(start, tokenEnd(cell));
    }

    /** The digits of {@code cell} when it is digit groups alone (separated by single spaces or hyphens); 0 when it is not. */
    private static int digitGroups(String cell) {
        if (cell == null) {
            return 0;
        }
        // the cell's text without its white space around it, read in place: asked of every value a record holds
        int start = strippedStart(cell);
        int end = strippedEnd(cell, start);
        if (start == end || end - start > 2 * MAX_CARD_DIGITS || !isDigit(cell.charAt(start))
                || !isDigit(cell.charAt(end - 1))) {
            return 0;
        }
        int digits = 0;
        int group = 0;
        boolean grouped = false;
        for (int k = start; k < end; k++) {
            char c = cell.charAt(k);
            if (isDigit(c)) {
                digits++;
                group++;
            } else if (!((c == ' ' || c == '-') && isDigit(cell.charAt(k - 1)))) {
                return 0; // a separator after a separator, or a character no card is written with
            } else if (!isCardGroup(group)) {
                return 0; // a date (2026-12-04), a phone number's short groups: no card is grouped so
            } else {
                group = 0;
                grouped = true;
            }
        }
        return grouped && !isCardGroup(group) ? 0 : digits;
    }

    /**
     * Whether a group of this many digits is one a card is printed in: fours (4111 1111 ...), an
     * American Express or Diners card's 4-6-5 or 4-6-4, a 19-digit card's last three.
     */
    private static boolean isCardGroup(int digits) {
        return digits >= MIN_CARD_GROUP && digits <= MAX_CARD_GROUP;
    }

    /** Whether {@code cell}, white space around it left out, holds a space, or a hyphen after its first character. */
    private static boolean isGrouped(String cell) {
        int start = strippedStart(cell);
        int end = strippedEnd(cell, start);
        for (int k = start; k < end; k++) {
            char c = cell.charAt(k);
            if (c == ' ' || (c == '-' && k > start)) {
                return true;
            }
        }
        return false;
    }

    /** Where {@code cell} starts without the white space before it, as {@link String#strip} has it. */
    private static int strippedStart(String cell) {
        int start = 0;
        while (start < cell.length() && Character.isWhitespace(cell.charAt(start))) {
            start++;
        }
        return start;
    }

    /** Where {@code cell} ends without the white space after it, not before {@code start}. */
    private static int strippedEnd(String cell, int start) {
        int end = cell.length();
        while (end > start && Character.isWhitespace(cell.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The cells {@code first..last} a find of {@code type} in their join reaches, when one reaches past the first; null when none. */
    private EntityType[] foundAcross(String joined, int first, int last, int[] ends, EntityType type) {
        List<ContentScanner.Span> spans;
        try {
            spans = profile.scanner().spans(joined);
        } catch (ScanBudgetExceededException e) {
            return null;
        }
        EntityType[] found = null;
        for (ContentScanner.Span span : spans) {
            if (!type.name().equals(span.label()) || span.end() <= ends[first]) {
                continue; // a find within the first cell's token is that cell's own
            }
            int regionStart = 0;
            for (int c = first; c <= last; c++) {
                if (span.start() < ends[c] && span.end() > regionStart) {
                    found = marked(found, ends.length, c, type);
                }
                regionStart = ends[c];
            }
        }
        return found;
    }

    private static EntityType[] merged(EntityType[] parts, EntityType[] found) {
        EntityType[] out = parts;
        for (int c = 0; c < found.length; c++) {
            if (found[c] != null) {
                out = marked(out, found.length, c, found[c]);
            }
        }
        return out;
    }

    /**
     * A cell that is a name a hint knows ({@code smtp_password}, {@code api_key}, {@code ssn},
     * {@code date_of_birth}) names the value in the next cell, as a JSON member's name does: a
     * key-value table keeps settings and attributes so. Names of a shape a detector reads (an e-mail,
     * a phone or card number, an SSN, an IBAN, an IP address) mask the value when the detectors find
     * it after the name ({@code ssn: 536221234}), so {@code email | delivered} stays; the others
     * (secrets, names, birth dates) have no shape and the value is masked whole, as a JSON string
     * under such a name is.
     */
    private EntityType[] namedValues(String[] cells, EntityType[] parts) {
        for (int i = 0; i < cells.length; i++) {
            String name = cells[i] == null ? null : cells[i].strip();
            int valued = valueOf(cells, i);
            if (name == null || valued < 0 || !isName(name)) {
                continue;
            }
            EntityType named = profile.hint(null, name);
            if (named == null || (parts != null && parts[valued] != null) || (valued < i && named != EntityType.SECRET)) {
                continue; // a value before its name is read for secrets only: "ada | name" is as often a label
            }
            if (hasShape(named)) {
                parts = foundAfterName(name, cells[valued], named) ? marked(parts, cells.length, valued, named) : parts;
            } else {
                parts = marked(parts, cells.length, valued, named);
            }
        }
        return parts;
    }

    /**
     * The cell a name in cell {@code i} names: the next when it holds text, else, when no read cell follows in
     * a row of at most {@value #MAX_VALUE_FIRST_CELLS} read cells, the one before it ({@code hunter2 |
     * smtp_password}, a key-value table read value first); -1 when neither.
     */
    private static int valueOf(String[] cells, int i) {
        if (i + 1 < cells.length && cells[i + 1] != null && !cells[i + 1].isBlank()) {
            return i + 1;
        }
        boolean last = i + 1 >= cells.length || cells[i + 1] == null;
        // a key-value table read value first has few columns; a long row ending in a word ("... the password") is no such
        // table; and a lower-case word before the name is a label, not a value ("kind | Secret", a JSON member's line)
        return last && i > 0 && cells[i - 1] != null && !cells[i - 1].isBlank() && readCount(cells) <= MAX_VALUE_FIRST_CELLS
                && !isLabel(cells[i - 1].strip()) ? i - 1 : -1;
    }

    /** A word of lower-case letters (with {@code _}, {@code -}, {@code .}): a key or a label, as {@code kind} or {@code user_name}. */
    private static boolean isLabel(String text) {
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (!(Character.isLowerCase(c) || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return !text.isEmpty();
    }

    private boolean foundAfterName(String name, String value, EntityType named) {
        String joined = name + ": " + value;
        try {
            for (ContentScanner.Span span : profile.scanner().spans(joined)) {
                if (span.end() > name.length() + 2 && named.name().equals(span.label())) {
                    return true;
                }
            }
        } catch (ScanBudgetExceededException e) {
            return true;
        }
        return false;
    }

    private static boolean hasShape(EntityType type) {
        return type != EntityType.SECRET && type != EntityType.PERSON_NAME && type != EntityType.DATE_OF_BIRTH;
    }

    private static boolean isName(String text) {
        if (text.isEmpty() || text.length() > MAX_NAME || !Character.isLetter(text.charAt(0))) {
            return false;
        }
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code cell}'s last token ends: before the white space after it. */
    private static int tokenEnd(String cell) {
        int end = cell.length();
        while (end > 0 && Character.isWhitespace(cell.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** Where the last run of non-space characters of {@code cell} starts, at most {@value #MAX_TOKEN} long; -1 when none. */
    private static int lastTokenStart(String cell) {
        int end = tokenEnd(cell);
        int start = end;
        while (start > 0 && !Character.isWhitespace(cell.charAt(start - 1)) && end - start < MAX_TOKEN) {
            start--;
        }
        return start == end ? -1 : start;
    }

    /** The first run of non-space characters of {@code cell} when the cell starts with it (a space first ends a join); null when none. */
    private static String firstToken(String cell) {
        int end = 0;
        while (end < cell.length() && !Character.isWhitespace(cell.charAt(end)) && end < MAX_TOKEN) {
            end++;
        }
        return end == 0 ? null : cell.substring(0, end);
    }

    private static EntityType[] marked(EntityType[] parts, int size, int cell, EntityType entity) {
        EntityType[] out = parts == null ? new EntityType[size] : parts;
        if (out[cell] == null) {
            out[cell] = entity;
        }
        return out;
    }
}
