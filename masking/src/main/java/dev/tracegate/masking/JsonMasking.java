package dev.tracegate.masking;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Streaming JSON rewriter: reads tokens from a {@link JsonParser} and writes them, masked, never
 * holding more than the current token and the stack of open containers. The same code masks jsonb
 * cells, HTTP bodies and NDJSON streams. A stream's tokens go to a {@link JsonGenerator}; a
 * document held whole (a string, a byte array) is copied as it is but for the names and values
 * replaced ({@link JsonSpanWriter}), which spares re-encoding its clean bulk token by token.
 *
 * <p>For each scalar, in order: a field rule whose path matches ({@code $.user.email}, also
 * inherited by everything inside a matched object or array), else a hint from the field's name
 * ({@code "phone": ...}, inherited by the elements of an array under that name), else the content
 * detectors (strings and integers). Field names are scanned by the content detectors too, since an
 * e-mail can be a key. Masked numbers become strings; {@code nullify} writes {@code null}.
 *
 * <p>Documents nested deeper than {@link Limits#maxJsonDepth()}, invalid JSON (including invalid
 * UTF-8 in byte input) and content after a single document are refused with {@link
 * MaskingRefusedException}; output written before the refusal must be discarded. Thread-safe.
 *
 * <p>Work that depends on a field's name or path rather than its value is done once: field names
 * in which the content detectors find nothing are remembered with their path segment (a bounded
 * memory shared by the documents this rewriter masks; names beyond its bound are scanned every
 * time), a walk judges each name's hint once per parent name, and it builds each distinct
 * path's report location once; the objects of an array repeat their names in the same order, so
 * a walk keeps those answers for the clean name last met at each place of a path's objects and
 * takes them for the next object's field at that place when it has the same name, without a
 * look-up ({@link Field}). None of this depends on a value, so nothing is ever taken from
 * another value; names in which something is found are scanned, masked and counted every time.
 */
public final class JsonMasking {

    private static final int MAX_LOCATION_SEGMENTS = 12;
    private static final int MAX_SEGMENT_CHARS = 64;
    /** Bounds the per-document memo of path segments, whatever the number of distinct names in a body. */
    private static final int MAX_REMEMBERED_SEGMENTS = 256;
    /** Bounds the clean field names remembered across documents; names beyond it are scanned every time. */
    private static final int MAX_CLEAN_NAMES = 4096;
    /** Bounds the distinct paths whose report location a walk keeps; past it locations are built per value. */
    private static final int MAX_REMEMBERED_PATHS = 1024;
    /** Bounds the field places a walk remembers ({@link Field}): per path, and over the whole walk. */
    private static final int MAX_FIELD_PLACES = 64;
    private static final int MAX_REMEMBERED_FIELDS = 1024;
    /** Bounds the clean values a walk remembers (and their length), whatever the body holds. */
    private static final int MAX_REMEMBERED_VALUES = 512;
    private static final int MAX_REMEMBERED_VALUE_CHARS = 64;
    /** A clean value's place in {@link Walk#cleanValues} before a record looks at its shape (no shape is negative). */
    private static final int NOT_LOOKED_AT = -1;
    /** Strings longer than this are refused by the parser; up to it, longer than maxCellChars gets the fallback. */
    private static final int MIN_PARSER_STRING_LIMIT = 8 << 20;

    private final MaskingProfile profile;
    private final String location;
    private final JsonFactory factory;
    private final FieldRule[] rules;
    /** Whether the profile looks for secrets, and so for the values of Kubernetes Secrets. */
    private final boolean secretManifests;
    /**
     * Field names the content detectors find nothing in, with their path segments. Keyed by the
     * whole name: the answer for a name is the same in every document, and only clean names are
     * kept, so a remembered name is never masked or counted less than a scanned one would be.
     */
    private final Map<String, String> cleanNames = new ConcurrentHashMap<>();
    /** How a record's values are read together for a value split across them ({@link RecordPieces}). */
    private final SplitAcrossCells split;

    JsonMasking(MaskingProfile profile, String location) {
        this.profile = profile;
        this.split = new SplitAcrossCells(profile);
        this.location = location;
        this.rules = profile.fieldRules().toArray(FieldRule[]::new);
        this.secretManifests = profile.detectors().contains(EntityType.SECRET.name());
        int depth = profile.limits().maxJsonDepth() + 1;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(depth)
                        .maxStringLength(Math.max(MIN_PARSER_STRING_LIMIT, profile.limits().maxCellChars() + 1)).build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(depth).build())
                // Jackson's default pool keeps its buffers per thread; a request's virtual thread is
                // new each time, so every parser and generator would allocate them afresh (about
                // 20 KiB per HTTP body).
                .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                .build();
    }

    /** A factory whose parsers and generators carry this profile's depth and size limits; use it for your streams. */
    public JsonFactory factory() {
        return factory;
    }

    /** What a walk found: the masked text ({@code null} when nothing changed) and the counts per entity label. */
    record Result(String masked, Map<String, Integer> findings) {
    }

    /**
     * Masks exactly one JSON document from {@code in} (positioned before or on its first token) to
     * {@code out}; anything after the document is refused. Returns whether anything was masked.
     *
     * @throws MaskingRefusedException for invalid or too deeply nested JSON
     * @throws IOException             when {@code out} cannot be written
     */
    public boolean mask(JsonParser in, JsonGenerator out, MaskingReport report) throws IOException {
        Walk walk = new Walk(in, new GeneratedJson(in, out), report);
        walk.document(true);
        return walk.changed;
    }

    /**
     * Masks every document of a stream of concatenated or newline-delimited documents (NDJSON: give
     * {@code out} a root value separator of {@code "\n"}). Returns how many documents were masked.
     */
    public long maskDocuments(JsonParser in, JsonGenerator out, MaskingReport report) throws IOException {
        Walk walk = new Walk(in, new GeneratedJson(in, out), report);
        long documents = 0;
        while (walk.document(false)) {
            documents++;
        }
        return documents;
    }

    /**
     * Masks one document held in a string. The document comes back as it was written (its
     * whitespace, its strings' escapes) but for the values and names replaced: {@code json} itself
     * when nothing is.
     */
    public String mask(String json, MaskingReport report) {
        try (JsonParser in = factory.createParser(json)) {
            JsonSpanWriter.OfChars out = new JsonSpanWriter.OfChars(in, json);
            new Walk(in, out, report, () -> mayNameSecret(json)).document(true);
            return out.result();
        } catch (IOException e) {
            throw refusedFor(e);
        }
    }

    /**
     * Masks one document given as UTF-8 bytes; invalid UTF-8 is refused as invalid JSON. As
     * {@link #mask(String, MaskingReport)}: the bytes as they came but for what is replaced, the
     * very array when nothing is.
     */
    public byte[] mask(byte[] json, MaskingReport report) {
        try (JsonParser in = factory.createParser(json)) {
            if (!(in instanceof UTF8StreamJsonParser)) {
                return generated(in, json.length, report);
            }
            JsonSpanWriter.OfBytes out = new JsonSpanWriter.OfBytes(in, json);
            new Walk(in, out, report, () -> mayNameSecret(json)).document(true);
            return out.result();
        } catch (IOException e) {
            throw refusedFor(e);
        }
    }

    /** {@code v1}, {@code apps/v1}, {@code batch/v1beta1}: how Kubernetes objects name their API version. */
    private static final Pattern KUBERNETES_API_VERSION =
            Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?v[0-9]+((alpha|beta)[0-9]+)?");

    /**
     * Whether a document held whole may name a Kubernetes Secret's kind ({@code ecret} in any case):
     * only then is the data of a Kubernetes object whose kind comes later masked as a Secret's, so a
     * ConfigMap written with sorted keys keeps its data where nothing in the document is a Secret.
     */
    static boolean mayNameSecret(CharSequence json) {
        for (int i = 0; i + 5 <= json.length(); i++) {
            if ((json.charAt(i) | 0x20) == 'e' && (json.charAt(i + 1) | 0x20) == 'c' && (json.charAt(i + 2) | 0x20) == 'r'
                    && (json.charAt(i + 3) | 0x20) == 'e' && (json.charAt(i + 4) | 0x20) == 't') {
                return true;
            }
        }
        return false;
    }

    static boolean mayNameSecret(byte[] json) {
        for (int i = 0; i + 5 <= json.length; i++) {
            if ((json[i] | 0x20) == 'e' && (json[i + 1] | 0x20) == 'c' && (json[i + 2] | 0x20) == 'r'
                    && (json[i + 3] | 0x20) == 'e' && (json[i + 4] | 0x20) == 't') {
                return true;
            }
        }
        return false;
    }

    /** A document in UTF-16 or UTF-32 (the parser tells them by their first bytes): written again, as UTF-8. */
    private byte[] generated(JsonParser in, int length, MaskingReport report) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(length + 16);
        try (JsonGenerator out = factory.createGenerator(bytes)) {
            mask(in, out, report);
        }
        return bytes.toByteArray();
    }

    /** Masks newline-delimited JSON, one document per line, writing one per line. */
    public byte[] maskNdjson(byte[] ndjson, MaskingReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ndjson.length + 16);
        try (JsonParser in = factory.createParser(ndjson); JsonGenerator out = factory.createGenerator(bytes)) {
            out.setRootValueSeparator(new SerializedString("\n"));
            if (maskDocuments(in, out, report) > 0) {
                out.flush();
                bytes.write('\n');
            }
        } catch (IOException e) {
            throw refusedFor(e);
        }
        return bytes.toByteArray();
    }

    /** For a cell: the masked document, or {@code null} masked text when nothing changed (keep the original). */
    Result maskCell(String json, MaskingReport report) {
        try (JsonParser in = factory.createParser(json)) {
            JsonSpanWriter.OfChars out = new JsonSpanWriter.OfChars(in, json);
            Walk walk = new Walk(in, out, report, () -> mayNameSecret(json));
            walk.document(true);
            return new Result(walk.changed ? out.result() : null, walk.findings);
        } catch (IOException e) {
            throw refusedFor(e);
        }
    }

    /** Whether a text is shaped like a JSON object or array ({@code {...}}, {@code [...]}), worth trying to parse as one. */
    static boolean mayBeDocument(String text) {
        if (text.length() < 2) {
            return false;
        }
        char first = text.charAt(0);
        char last = text.charAt(text.length() - 1);
        return (first == '{' && last == '}') || (first == '[' && last == ']');
    }

    /** {@code text} as a JSON string literal. */
    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private MaskingRefusedException refusedFor(IOException e) {
        if (e instanceof StreamConstraintsException) {
            boolean depth = String.valueOf(e.getMessage()).contains("nesting depth");
            return new MaskingRefusedException(depth ? FallbackReason.TOO_DEEP : FallbackReason.OVERSIZED, location,
                    depth ? "JSON nested deeper than " + profile.limits().maxJsonDepth() + " levels"
                            : "a JSON value exceeds the parser's length limit");
        }
        if (e instanceof StreamReadException || e instanceof CharConversionException) {
            // The parser's own message quotes the input, which may be personal data: keep only the position.
            JsonLocation at = e instanceof StreamReadException p ? p.getLocation() : null;
            String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new MaskingRefusedException(FallbackReason.INVALID_JSON, location, "invalid JSON" + position);
        }
        throw new UncheckedIOException("writing masked JSON failed", e);
    }

    /** One open object or array; a closed one's frame is taken again for the next container at its depth. */
    private static final class Frame {
        boolean array;
        int index;
        /** The field name this container has in its parent (for "customer.name" style hints). */
        String name;
        /** The path segment shown in reports: {@code .user} or {@code [*]}, with keys already masked. */
        String segment;
        long[] states;
        FieldRule forced;
        /** The hint of this container's name, which every value inside it takes (null: each judged by its own name). */
        EntityType elementHint;
        String pendingKey;
        String pendingSegment;
        /** What the walk remembers of the pending field's name at its place, or null. */
        Field pendingField;
        /** How many field names this object has had so far: the place of the next. */
        int fields;
        /** This container's path among the walk's remembered ones, or {@code null} past the bound. */
        PathNode node;
        /** The string value of this object's {@code kind} field read so far (a Kubernetes object's), or null. */
        String kind;
        /** An object that is a Kubernetes Secret by its place: an item of a {@code SecretList}. */
        boolean secretItem;
        /** An array of Kubernetes Secrets: a {@code SecretList}'s {@code items}. */
        boolean secretItems;
        /** An array's private key block, one line an element, that an earlier string opened (null until a secret is found in one). */
        KeyBlockAcrossValues keyBlock;
        /** An array's JWT, one part an element, that an earlier string started (null until a string starts as a part). */
        JwtAcrossValues token;
        /** The record this container is part of: itself at the root or as an element of an array, else its parent's. */
        Frame record;
        /** Where this container is in the stack. */
        int level;
        /** A record's values that may be pieces of one value (null until one is offered; read in the record's frame only, cleared as it opens). */
        RecordPieces pieces;
        /** An array's elements that may be one value's units, read together (null until one is offered; started again as it opens). */
        ElementUnits units;
        /** An object whose {@code apiVersion} is a Kubernetes one ({@code v1}, {@code apps/v1}): its kind may follow its data. */
        boolean kubernetes;
        /**
         * The {@code items} of a Kubernetes list whose kind has not come yet or is {@code List}: each item
         * is a Kubernetes object of a kind it may not state (a {@code SecretList}'s items state none).
         */
        boolean kubernetesItems;
    }

    /** One distinct path of a document (indexes folded into {@code [*]}): its children by segment and its report location. */
    private static final class PathNode {
        final Map<String, PathNode> children = new HashMap<>(8);
        String location;
        /** The clean field name last met at each place of the objects on this path, or null (made on first use). */
        Field[] fields;

        Field field(int place) {
            return fields == null || place >= fields.length ? null : fields[place];
        }
    }

    /**
     * A clean field name met at one place of a path's objects (its first, second, ... field), with
     * what the walk derives from the name alone: its path segment, whether it names a Kubernetes
     * object's kind or API version, its hint under the parent name it was judged under, and the
     * path its values report under. The objects of an array repeat their names in the same order,
     * so the next object's field at that place most often has the same name, and is then taken
     * without a look-up in the maps each of those answers also lives in. Only ever taken for the
     * very name it was made for (compared whole) at the same path; each answer is the one the maps
     * give for that name, so nothing is masked or counted otherwise than without it.
     */
    private static final class Field {
        final String name;
        final String segment;
        final boolean kind;
        final boolean apiVersion;
        /** Whether {@link #hint} was judged, and under which parent name. */
        boolean hintJudged;
        String hintContainer;
        EntityType hint;
        /** The path this field's values report under, once asked (null past the walk's bound on paths). */
        PathNode child;

        Field(String name, String segment) {
            this.name = name;
            this.segment = segment;
            this.kind = "kind".equalsIgnoreCase(name);
            this.apiVersion = "apiVersion".equalsIgnoreCase(name);
        }
    }

    /** The hint judged for a field name under the parent name it was last seen under. */
    private record Hint(String container, EntityType type) {
    }

    /** The state of one walk over one parser. */
    private final class Walk {
        final JsonParser in;
        final JsonOutput out;
        final MaskingReport report;
        final Map<String, Integer> findings = new LinkedHashMap<>();
        final long[] rootStates;
        Frame[] stack = new Frame[16];
        int depth;
        boolean changed;
        /** Path segments by field name: the objects of an array repeat their names, so each is built once per document. */
        final Map<String, String> segments = new HashMap<>();
        /** Each field name's hint, judged again only when the name turns up under another parent name. */
        final Map<String, Hint> hints = new HashMap<>();
        final PathNode root = new PathNode();
        int paths = 1;
        /** How many {@link Field}s this walk has made, bounded by {@link #MAX_REMEMBERED_FIELDS}. */
        int fieldsRemembered;
        /**
         * Values the content detectors found nothing in ({@code "paid"}, {@code "EUR"}, a status or
         * a name that every record repeats), so a repeat is written without another scan. Exact: a
         * scan's answer depends on the text alone, and only answers without a find are kept, so a
         * value with something in it is scanned, masked and counted every time. Per walk, not per
         * rewriter like {@link #cleanNames}: values are the body's content, not kept past it. Each
         * maps to its {@link SplitAcrossCells#shapeOf shape} once a record has looked at it
         * ({@link #NOT_LOOKED_AT} before): a pure function of the value too, so a repeat is not looked at again.
         */
        final Map<String, Integer> cleanValues = new HashMap<>();

        /**
         * Whether the {@code data} of a Kubernetes object whose kind has not come yet is masked as a
         * Secret's: kubectl, {@code jq -S}, Go's and Python's sorted maps write {@code apiVersion},
         * {@code data}, {@code kind}, so a walk that writes as it reads has written a Secret's data
         * before it learns the kind. A stream presumes so (a ConfigMap written that way is masked
         * too); a document held whole only when it holds the word at all ({@link #mayNameSecret}).
         * Asked only when a Kubernetes object's data comes before its kind, so that a document that
         * holds none is not searched for the word (64 KiB of a body read byte by byte for nothing).
         */
        private final BooleanSupplier presumeSecrets;
        /** {@link #presumeSecrets}' answer once asked: 1 yes, 0 no, -1 not asked yet. */
        private int presumed = -1;
        /** The level of the record the output holds its tokens for ({@link JsonOutput#hold}), or -1. */
        private int heldBy = -1;

        Walk(JsonParser in, JsonOutput out, MaskingReport report) {
            this(in, out, report, () -> true);
        }

        Walk(JsonParser in, JsonOutput out, MaskingReport report, BooleanSupplier presumeSecrets) {
            this.in = in;
            this.out = out;
            this.report = report;
            this.presumeSecrets = presumeSecrets;
            this.rootStates = new long[rules.length];
            Arrays.fill(rootStates, JsonPathPattern.start());
        }

        /** Walks one root value; returns false at the end of input. */
        boolean document(boolean single) throws IOException {
            try {
                JsonToken token = single && in.currentToken() != null ? in.currentToken() : in.nextToken();
                if (token == null) {
                    if (single) {
                        throw new MaskingRefusedException(FallbackReason.INVALID_JSON, location, "empty JSON document");
                    }
                    return false;
                }
                do {
                    handle(token);
                    if (depth == 0) {
                        break;
                    }
                    token = in.nextToken();
                    if (token == null) {
                        throw new MaskingRefusedException(FallbackReason.INVALID_JSON, location, "JSON ends inside a value");
                    }
                } while (true);
                if (single && in.nextToken() != null) {
                    throw new MaskingRefusedException(FallbackReason.INVALID_JSON, location,
                            "content after the JSON document");
                }
                return true;
            } catch (StreamConstraintsException | StreamReadException | CharConversionException e) {
                throw refusedFor(e);
            }
        }

        private void handle(JsonToken token) throws IOException {
            switch (token) {
                case FIELD_NAME -> fieldName();
                case START_OBJECT, START_ARRAY -> {
                    unitsEnd();
                    plainRunEnds(depth > 0 ? stack[depth - 1] : null);
                    open(token == JsonToken.START_ARRAY);
                }
                case END_OBJECT -> {
                    depth--;
                    plainRunEnds(stack[depth]);
                    out.endObject();
                    releasedAt(depth);
                }
                case END_ARRAY -> {
                    unitsEnd();
                    depth--;
                    plainRunEnds(stack[depth]);
                    out.endArray();
                    releasedAt(depth);
                }
                default -> scalar(token);
            }
        }

        /**
         * A container opens or closes inside {@code frame}'s record: a card's plain groups are one object's consecutive
         * members ({@link RecordPieces#plainRunEnds}), so a run of them ends here and is read.
         */
        private void plainRunEnds(Frame frame) throws IOException {
            if (frame != null && frame.record.pieces != null) {
                replacedEarlier(frame.record.pieces.plainRunEnds());
            }
        }

        /** Replaces values of the record found to be pieces after they were written, where the output can still replace them. */
        private void replacedEarlier(List<RecordPieces.Found> pieces) throws IOException {
            for (int k = 0; k < pieces.size(); k++) { // indexed: the common empty answer makes no iterator
                RecordPieces.Found found = pieces.get(k);
                if (found.place() >= 0) {
                    out.replaceAt(found.place(), profile.strategyFor(found.type()).apply(found.value(), found.type()));
                    masked(found.type().name());
                }
            }
        }

        /** The container at {@code level} has closed: when it is the record an output hold began for, what is held is written. */
        private void releasedAt(int level) throws IOException {
            if (heldBy == level) {
                heldBy = -1;
                out.release();
            }
        }

        private void fieldName() throws IOException {
            Frame frame = stack[depth - 1];
            String name = in.currentName();
            frame.pendingKey = name;
            int place = frame.fields++;
            Field known = frame.node == null ? null : frame.node.field(place);
            if (known != null && known.name.equals(name)) {
                frame.pendingField = known;
                frame.pendingSegment = known.segment;
                out.name(name);
                return;
            }
            frame.pendingField = null;
            String clean = cleanNames.get(name);
            if (clean != null) {
                frame.pendingSegment = clean;
                frame.pendingField = remember(frame.node, place, name, clean);
                out.name(name);
                return;
            }
            String written = name;
            ContentScanner.Outcome outcome = scanOrNull(name);
            // a name ending in an address cut at its @, its domain in the next record's name, is masked as a value is
            boolean cut = outcome == null && CutAddressEnd.endsCut(name);
            if (outcome != null) {
                written = outcome.masked() != null ? outcome.masked() : nullifiedKey(outcome);
            } else if (cut) {
                written = profile.strategyFor(EntityType.EMAIL).apply(name, EntityType.EMAIL);
            }
            frame.pendingSegment = segment(written);
            if (outcome != null) {
                record(where(), outcome.findings());
            } else if (cut) {
                masked(EntityType.EMAIL.name());
            } else {
                if (name.length() <= MAX_SEGMENT_CHARS && cleanNames.size() < MAX_CLEAN_NAMES) {
                    cleanNames.put(name, frame.pendingSegment);
                }
                frame.pendingField = remember(frame.node, place, name, frame.pendingSegment);
            }
            if (outcome != null || cut) {
                out.replaceName(written);
            } else {
                out.name(name);
            }
        }

        /**
         * A key cannot be null: one whose find is nullified is written as its entity's placeholder,
         * and one the scan budget gave up on (no finds to name) as the budget's.
         */
        private static String nullifiedKey(ContentScanner.Outcome outcome) {
            return outcome.findings().isEmpty() ? "[" + FallbackReason.SCAN_BUDGET.name() + "]"
                    : "[" + outcome.findings().keySet().iterator().next() + "]";
        }

        /** The clean name {@code name} at {@code place} of the objects on {@code node}'s path, remembered there if the bounds allow; else null. */
        private Field remember(PathNode node, int place, String name, String segment) {
            if (node == null || place >= MAX_FIELD_PLACES || fieldsRemembered >= MAX_REMEMBERED_FIELDS) {
                return null;
            }
            if (node.fields == null) {
                node.fields = new Field[8];
            } else if (place >= node.fields.length) {
                node.fields = Arrays.copyOf(node.fields, Math.min(MAX_FIELD_PLACES, Math.max(place + 1, node.fields.length * 2)));
            }
            fieldsRemembered++;
            return node.fields[place] = new Field(name, segment);
        }

        /** {@link #segmentFor}, remembered for the document's first {@link #MAX_REMEMBERED_SEGMENTS} names. */
        private String segment(String key) {
            String known = segments.get(key);
            if (known != null) {
                return known;
            }
            String made = segmentFor(key);
            if (segments.size() < MAX_REMEMBERED_SEGMENTS) {
                segments.put(key, made);
            }
            return made;
        }

        /** The field rule for the value about to be read: one inherited from a matched container, else the first whose path matches. */
        private FieldRule ruleFor(long[] states) {
            Frame parent = depth == 0 ? null : stack[depth - 1];
            if (parent != null && parent.forced != null) {
                return parent.forced;
            }
            for (int r = 0; r < rules.length; r++) {
                if (rules[r].path().accepts(states[r])) {
                    return rules[r];
                }
            }
            return null;
        }

        private long[] statesFor() {
            if (depth == 0) {
                return rootStates;
            }
            Frame parent = stack[depth - 1];
            if (rules.length == 0) {
                return parent.states;
            }
            long[] next = new long[rules.length];
            for (int r = 0; r < rules.length; r++) {
                next[r] = parent.array ? rules[r].path().step(parent.states[r], null, parent.index)
                        : rules[r].path().step(parent.states[r], parent.pendingKey, -1);
            }
            return next;
        }

        private EntityType hintFor() {
            if (depth == 0) {
                return null;
            }
            Frame parent = stack[depth - 1];
            if (parent.array || parent.elementHint != null) {
                return parent.elementHint; // an array's, or everything under a hinted name ("password": {"value": ...})
            }
            Field field = parent.pendingField;
            if (field != null && field.hintJudged && Objects.equals(field.hintContainer, parent.name)) {
                return field.hint;
            }
            EntityType type = judgedHint(parent);
            if (field != null) {
                field.hintJudged = true;
                field.hintContainer = parent.name;
                field.hint = type;
            }
            return type;
        }

        /** The hint of the object's pending field name under the object's own name, judged once per walk for each pair. */
        private EntityType judgedHint(Frame parent) {
            Hint known = hints.get(parent.pendingKey);
            if (known != null && Objects.equals(known.container(), parent.name)) {
                return known.type();
            }
            EntityType type = profile.hint(parent.name, parent.pendingKey);
            if (known != null || hints.size() < MAX_REMEMBERED_SEGMENTS) {
                hints.put(parent.pendingKey, new Hint(parent.name, type));
            }
            return type;
        }

        private void open(boolean array) throws IOException {
            advanceIndex();
            long[] states = statesFor();
            FieldRule rule = ruleFor(states);
            if (rule != null && rule.strategy() instanceof MaskStrategy.Nullify) {
                out.nullifyContainer();
                masked(rule.label());
                return;
            }
            if (depth >= profile.limits().maxJsonDepth()) {
                throw new MaskingRefusedException(FallbackReason.TOO_DEEP, location,
                        "JSON nested deeper than " + profile.limits().maxJsonDepth() + " levels");
            }
            Frame parent = depth == 0 ? null : stack[depth - 1];
            if (depth == stack.length) {
                stack = Arrays.copyOf(stack, depth * 2);
            }
            // The frame of a closed container at this depth is taken again: an array of a thousand
            // objects opens a thousand containers, and only the open ones are ever read.
            Frame frame = stack[depth] != null ? stack[depth] : new Frame();
            frame.array = array;
            frame.index = -1;
            frame.states = states;
            frame.forced = rule;
            frame.name = parent == null ? null : parent.array ? parent.name : parent.pendingKey;
            frame.segment = parent == null ? "$" : parent.array ? "[*]" : parent.pendingSegment;
            frame.elementHint = hintFor();
            frame.kind = null;
            frame.kubernetes = !array && parent != null && parent.array && parent.kubernetesItems;
            frame.secretItem = !array && parent != null && parent.array && parent.secretItems;
            boolean items = array && parent != null && !parent.array && "items".equalsIgnoreCase(parent.pendingKey);
            frame.secretItems = items && secretManifests && "SecretList".equalsIgnoreCase(parent.kind);
            // Sorted keys put items before kind: a list's items are Kubernetes objects until a kind says otherwise.
            frame.kubernetesItems = items && parent.kubernetes
                    && (parent.kind == null || "List".equalsIgnoreCase(parent.kind));
            if (!array && parent != null && !parent.array && (isSecret(parent) || presumedSecret(parent))
                    && ("data".equalsIgnoreCase(parent.pendingKey) || "stringData".equalsIgnoreCase(parent.pendingKey))) {
                frame.elementHint = EntityType.SECRET; // every entry, whatever its name: base64 of anything
            }
            frame.pendingKey = null;
            frame.pendingSegment = null;
            frame.pendingField = null;
            frame.keyBlock = null;
            frame.token = null;
            frame.record = parent == null || parent.array ? frame : parent.record;
            frame.level = depth;
            if (frame.pieces != null) {
                frame.pieces.clear(); // a frame taken again keeps its lists: a thousand records, one set of them
            }
            if (frame.units != null) {
                frame.units.startArray(frame.name);
            }
            frame.fields = 0;
            frame.node = parent == null ? root : childOf(parent);
            stack[depth++] = frame;
            if (array) {
                out.startArray();
            } else {
                out.startObject();
            }
        }

        /**
         * Whether an object is a Kubernetes Secret, as the API server writes one ({@code kind} before
         * {@code data}; a {@code SecretList}'s items carry no kind of their own). kubectl's output,
         * {@code kind} after {@code data}, is read by the content detectors when it comes as text
         * ({@code KubernetesSecrets}); this walk, which has written the data by then, masks a
         * Kubernetes object's data as a Secret's while its kind is unknown ({@link #presumeSecrets}).
         */
        private boolean isSecret(Frame object) {
            return secretManifests && (object.secretItem || "Secret".equalsIgnoreCase(object.kind));
        }

        /** A Kubernetes object whose kind has not come yet, read as a Secret when the walk presumes so. */
        private boolean presumedSecret(Frame object) {
            return secretManifests && object.kind == null && object.kubernetes && presumesSecrets();
        }

        private boolean presumesSecrets() {
            if (presumed < 0) {
                presumed = presumeSecrets.getAsBoolean() ? 1 : 0;
            }
            return presumed == 1;
        }

        private void advanceIndex() {
            if (depth > 0 && stack[depth - 1].array) {
                stack[depth - 1].index++;
            }
        }

        private void scalar(JsonToken token) throws IOException {
            advanceIndex();
            if (depth > 0 && token == JsonToken.VALUE_STRING && !stack[depth - 1].array) {
                Frame object = stack[depth - 1];
                Field field = object.pendingField;
                if (field != null ? field.kind : "kind".equalsIgnoreCase(object.pendingKey)) {
                    object.kind = in.getText();
                } else if (field != null ? field.apiVersion : "apiVersion".equalsIgnoreCase(object.pendingKey)) {
                    object.kubernetes = KUBERNETES_API_VERSION.matcher(in.getText()).matches();
                }
            }
            boolean text = token == JsonToken.VALUE_STRING;
            boolean number = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
            // a whole float is its integer as a unit ([4111.0, 1111.0, ...]: pandas and Python write an integer column so)
            String unitText = token == JsonToken.VALUE_NUMBER_FLOAT ? WholeNumber.digitsOf(in.getText()) : in.getText();
            boolean unit = (text || number) && unitText != null && depth > 0 && stack[depth - 1].array
                    && (text ? ElementUnits.isChunk(unitText) : ElementUnits.isUnit(unitText, true));
            if (!unit) {
                unitsEnd();
            }
            if (!text && !number) {
                out.literal(); // true, false, null carry nothing personal
                return;
            }
            String value = in.getText();
            if (value.length() > profile.limits().maxCellChars()) {
                oversized(token);
                return;
            }
            FieldRule rule = ruleFor(statesFor());
            if (rule != null) {
                out.replace(rule.strategy().apply(value, rule.entity()));
                masked(rule.label());
                return;
            }
            EntityType hint = hintFor();
            if (hint != null && !(hint == EntityType.SECRET && number)) { // a counter under "token" is no secret
                out.replace(profile.strategyFor(hint).apply(value, hint));
                masked(hint.name());
                return;
            }
            if (text && embedded(value)) {
                return;
            }
            if (text && depth > 0 && stack[depth - 1].array && tokenPart(stack[depth - 1], value)) {
                out.replace(profile.strategyFor(EntityType.SECRET).apply(value, EntityType.SECRET));
                masked(EntityType.SECRET.name());
                return;
            }
            KeyBlockAcrossValues keyBlock = text && depth > 0 ? stack[depth - 1].keyBlock : null;
            if (keyBlock != null && keyBlock.isOpen() && keyBlock.continuedBy(value)) {
                out.replace(profile.strategyFor(EntityType.SECRET).apply(value, EntityType.SECRET));
                masked(EntityType.SECRET.name());
                return;
            }
            ContentScanner.Outcome outcome = token == JsonToken.VALUE_NUMBER_FLOAT ? scanWholeNumber(value)
                    : scanUnlessClean(value);
            if (outcome != null && text && depth > 0 && stack[depth - 1].array
                    && outcome.findings().containsKey(EntityType.SECRET.name())) {
                // a key's header is a secret find: the key's lines may follow it in the next elements
                Frame array = stack[depth - 1];
                array.keyBlock = array.keyBlock == null ? new KeyBlockAcrossValues() : array.keyBlock;
                array.keyBlock.afterSecret(value);
            }
            if (outcome == null && text && depth > 0 && stack[depth - 1].array && keyBodyLine(stack[depth - 1], value)) {
                // a line of a key's body whose header the array left out opens the block itself
                out.replace(profile.strategyFor(EntityType.SECRET).apply(value, EntityType.SECRET));
                masked(EntityType.SECRET.name());
                return;
            }
            if (outcome == null && unit) {
                // before the record's pieces: a chunk they mask ("lace@") still joins its run ("ada.", "love", ...)
                offerUnit(stack[depth - 1], unitText, !text);
            }
            if (outcome == null && depth > 0 && maskedAsPiece(value, number)) {
                return;
            }
            if (outcome == null && text && CutAddressEnd.endsCut(value)) {
                maskedAsCutAddress(value);
                return;
            }
            if (outcome == null) {
                if (text) {
                    out.string(value);
                } else {
                    out.number(value);
                }
                return;
            }
            out.replace(outcome.masked());
            record(where(), outcome.findings());
            report.valueMasked();
            changed = true;
            int shape = text && depth > 0 ? SplitAcrossCells.shapeOf(value) : 0;
            if (depth > 0 && (stack[depth - 1].array ? (shape & SplitAcrossCells.STARTS_ADDRESS) != 0 : SplitAcrossCells.mayBePiece(shape))) {
                // masked by itself, but a key's header or a line of it still opens what the members after it continue
                // (an array follows a key's lines itself, keyBlock above, and its masked lines are not offered), and an
                // address from its first character may end a local part the value before it starts ("ada.love")
                Frame record = stack[depth - 1].record;
                record.pieces = record.pieces == null ? new RecordPieces(split) : record.pieces;
                replaceEarlier(record.pieces.masked(value, shape));
            }
        }

        /**
         * Holds an array's element that may be a unit of one value written an element at a time
         * ({@link ElementUnits}), before it is written: a stream keeps its output from the run's first
         * unit until the record closes, so that the run's elements can still be replaced when it ends.
         */
        private void offerUnit(Frame array, String value, boolean number) throws IOException {
            if (array.units == null) {
                array.units = new ElementUnits();
                array.units.startArray(array.name);
            }
            if (heldBy < 0) {
                heldBy = array.record.level;
            }
            out.hold(); // again after a stream's bound wrote what it held: the run's elements stay replaceable
            if (array.units.isFull()) {
                readUnits(array);
                array.units.slide();
                out.writeBefore(array.units.firstPlace()); // the window's front is read: only its context is held on
            }
            array.units.add(value, out.place(), number);
        }

        /** The top array's run of units ends: what its elements read together is masked in each. */
        private void unitsEnd() throws IOException {
            if (depth > 0 && stack[depth - 1].array && stack[depth - 1].units != null && stack[depth - 1].units.size() > 0) {
                readUnits(stack[depth - 1]);
                stack[depth - 1].units.end();
            }
        }

        /**
         * Reads the run's texts; a find masks every element of the run as its entity. A text the scan budget gave up on
         * fails closed: the run's elements take the budget's fallback, as a value does.
         */
        private void readUnits(Frame array) throws IOException {
            for (String text : array.units.texts()) {
                ContentScanner.Outcome outcome = scanUnlessClean(text);
                if (outcome == null) {
                    continue;
                }
                String label = outcome.findings().isEmpty() ? null : outcome.findings().keySet().iterator().next();
                EntityType type = label == null ? null : entityOf(label);
                for (ElementUnits.Element element : array.units.toMask()) {
                    if (element.place() >= 0) {
                        out.replaceAt(element.place(), type == null ? outcome.masked() : profile.strategyFor(type).apply(element.value(), type));
                        if (label != null) {
                            masked(label);
                        }
                    }
                }
                return;
            }
        }

        /**
         * Masks a value ending in an address cut at its {@code @} ({@link CutAddressEnd}) that its record's values do not
         * complete: the rest may be in the next record ({@code [{"e": "ada.lovelace@"}, {"e": "example.com"}]}), read
         * apart. Its record and its run of units count it as masked, so it is never replaced twice.
         */
        private void maskedAsCutAddress(String value) throws IOException {
            long place = out.place();
            if (depth > 0) {
                Frame top = stack[depth - 1];
                if (top.record.pieces != null) {
                    top.record.pieces.maskedAt(place);
                }
                if (top.array && top.units != null) {
                    top.units.maskedAt(place);
                }
            }
            out.replace(profile.strategyFor(EntityType.EMAIL).apply(value, EntityType.EMAIL));
            masked(EntityType.EMAIL.name());
        }

        /**
         * Offers a value kept so far to its record's pieces ({@link RecordPieces}); masks the earlier pieces
         * it shows to be parts of one value with it, where the output can still replace them (a document
         * held whole; a stream has written them), and returns whether it is such a part itself, masked.
         */
        private boolean maskedAsPiece(String value, boolean number) throws IOException {
            Frame record = stack[depth - 1].record;
            record.pieces = record.pieces == null ? new RecordPieces(split) : record.pieces;
            boolean current = false;
            int look = RecordPieces.lookAt(shapeOf(value), number);
            if (RecordPieces.mayBeRead(look) && heldBy < 0) {
                out.hold(); // a stream keeps its tokens from here until this record closes
                heldBy = record.level;
            }
            long place = out.place();
            List<RecordPieces.Found> pieces = record.pieces.offer(value, place, look, !stack[depth - 1].array);
            for (int k = 0; k < pieces.size(); k++) { // indexed: the common empty answer makes no iterator
                RecordPieces.Found found = pieces.get(k);
                String replaced = profile.strategyFor(found.type()).apply(found.value(), found.type());
                ElementUnits units = stack[depth - 1].units;
                if (stack[depth - 1].array && units != null) {
                    units.maskedAt(found.current() ? place : found.place());
                }
                if (found.current()) {
                    out.replace(replaced);
                    current = true;
                } else if (found.place() >= 0) {
                    out.replaceAt(found.place(), replaced);
                } else {
                    continue;
                }
                masked(found.type().name());
            }
            return current;
        }

        /** Masks, where the output can still replace them, earlier values of the record found to be pieces of one value. */
        private void replaceEarlier(List<RecordPieces.Found> pieces) throws IOException {
            for (int k = 0; k < pieces.size(); k++) {
                RecordPieces.Found found = pieces.get(k);
                if (found.place() < 0) {
                    continue;
                }
                ElementUnits units = stack[depth - 1].units;
                if (stack[depth - 1].array && units != null) {
                    units.maskedAt(found.place());
                }
                out.replaceAt(found.place(), profile.strategyFor(found.type()).apply(found.value(), found.type()));
                masked(found.type().name());
            }
        }

        /** {@link SplitAcrossCells#shapeOf}, remembered with a value found clean in this walk. */
        private int shapeOf(String value) {
            Integer known = cleanValues.get(value);
            if (known != null && known != NOT_LOOKED_AT) {
                return known;
            }
            int shape = SplitAcrossCells.shapeOf(value);
            if (known != null) {
                cleanValues.put(value, shape);
            }
            return shape;
        }

        /**
         * A float is scanned only when its value is a whole number, as its digits: a card or phone
         * number written {@code 4111111111111111.0} or {@code 4.111111111111111E15} (pandas writes
         * an integer column with a gap in it as floats, Python's {@code json} an integral float so).
         * A fraction (a price, a rate) is no number the detectors look for.
         */
        private ContentScanner.Outcome scanWholeNumber(String value) {
            String digits = WholeNumber.digitsOf(value);
            return digits == null ? null : scanUnlessClean(digits);
        }

        /** {@link #scanOrNull}, but for a value already found clean in this walk; remembers one found clean now. */
        /** Whether a string of {@code array} is a part of a JWT an earlier string of it started ({@link JwtAcrossValues}). */
    private static boolean tokenPart(Frame array, String value) {
        if (array.token == null && !(value.startsWith("eyJ") || value.strip().startsWith("eyJ"))) {
            return false;
        }
        array.token = array.token == null ? new JwtAcrossValues() : array.token;
        return array.token.continues(value);
    }

    /** Whether a string of {@code array} with no find is a line of a key's body read without its header ({@link KeyBlockAcrossValues#startedByBody}). */
    private static boolean keyBodyLine(Frame array, String value) {
        if (array.keyBlock == null && !KeyBlockAcrossValues.mayBeKeyMaterial(value)) {
            return false;
        }
        array.keyBlock = array.keyBlock == null ? new KeyBlockAcrossValues() : array.keyBlock;
        return array.keyBlock.startedByBody(value);
    }

    /** The entity a scan's label names; a custom detector's label is a custom entity. */
    private static EntityType entityOf(String label) {
        for (EntityType type : EntityType.values()) {
            if (type.name().equals(label)) {
                return type;
            }
        }
        return EntityType.CUSTOM;
    }

    private ContentScanner.Outcome scanUnlessClean(String value) {
            if (cleanValues.containsKey(value)) {
                return null;
            }
            ContentScanner.Outcome outcome = scanOrNull(value);
            if (outcome == null && value.length() <= MAX_REMEMBERED_VALUE_CHARS && cleanValues.size() < MAX_REMEMBERED_VALUES) {
                cleanValues.put(value, NOT_LOOKED_AT);
            }
            return outcome;
        }

        private ContentScanner.Outcome scanOrNull(String value) {
            try {
                return profile.scanner().scan(value);
            } catch (ScanBudgetExceededException e) {
                FallbackAction action = profile.limits().overLimit();
                String where = where();
                report.fallback(where, FallbackReason.SCAN_BUDGET, action);
                if (action == FallbackAction.REFUSE) {
                    throw new MaskingRefusedException(FallbackReason.SCAN_BUDGET, where,
                            ColumnMasker.describe(FallbackReason.SCAN_BUDGET));
                }
                changed = true;
                return new ContentScanner.Outcome(action == FallbackAction.NULLIFY ? null : "[SCAN_BUDGET]", Map.of());
            }
        }

        /**
         * A string that is itself a JSON document ({@code "arguments": "{\"password\": ...}"}, as
         * tool calls and message queues carry them) is masked as one, so that its field names
         * count; written back as a string. Returns false when the value is not JSON (scanned as text).
         */
        private boolean embedded(String value) throws IOException {
            if (!mayBeDocument(value)) {
                return false;
            }
            Result inner;
            try {
                inner = maskCell(value, report);
            } catch (MaskingRefusedException notJson) {
                if (notJson.reason() != FallbackReason.INVALID_JSON) {
                    throw notJson;
                }
                return false;
            }
            if (inner.masked() == null) {
                out.string(value);
            } else {
                out.replace(inner.masked());
                inner.findings().forEach((label, count) -> findings.merge(label, count, Integer::sum));
                changed = true;
            }
            return true;
        }

        private void oversized(JsonToken token) throws IOException {
            FallbackAction action = profile.limits().overLimit();
            String path = where();
            report.fallback(path, FallbackReason.OVERSIZED, action);
            if (action == FallbackAction.REFUSE) {
                throw new MaskingRefusedException(FallbackReason.OVERSIZED, path,
                        ColumnMasker.describe(FallbackReason.OVERSIZED));
            }
            out.replace(action == FallbackAction.NULLIFY ? null : "[" + FallbackReason.OVERSIZED.name() + "]");
            changed = true;
        }

        private void masked(String label) {
            report.count(where(), label, 1);
            findings.merge(label, 1, Integer::sum);
            report.valueMasked();
            changed = true;
        }

        private void record(String where, Map<String, Integer> found) {
            found.forEach((label, count) -> {
                report.count(where, label, count);
                findings.merge(label, count, Integer::sum);
            });
            changed = true;
        }

        /** The report's location of the current value: {@code response.body:$.user.email}, built once per distinct path. */
        private String where() {
            PathNode node = depth == 0 ? root : childOf(stack[depth - 1]);
            if (node == null) {
                return location + ":" + pathFor();
            }
            if (node.location == null) {
                node.location = location + ":" + pathFor();
            }
            return node.location;
        }

        /**
         * The remembered path of the container's pending value (its element's, or its pending
         * field's, taken from the field's place when remembered); {@code null} past the bound.
         */
        private PathNode childOf(Frame container) {
            if (container.array) {
                return child(container.node, "[*]");
            }
            Field field = container.pendingField;
            if (field == null) {
                return child(container.node, container.pendingSegment);
            }
            if (field.child == null) {
                field.child = child(container.node, field.segment);
            }
            return field.child;
        }

        /** The remembered path under {@code parent} by {@code segment}; {@code null} once the walk remembers enough. */
        private PathNode child(PathNode parent, String segment) {
            if (parent == null) {
                return null;
            }
            PathNode known = parent.children.get(segment);
            if (known == null && paths < MAX_REMEMBERED_PATHS) {
                known = new PathNode();
                parent.children.put(segment, known);
                paths++;
            }
            return known;
        }

        /**
         * The report's path of the current value: {@code $.user.contacts[*].email}. Array indexes are
         * folded into {@code [*]}, keys appear as masked, and very deep paths keep their first and last
         * segments, so a location is short and never carries a value.
         */
        private String pathFor() {
            StringBuilder path = new StringBuilder();
            int keep = MAX_LOCATION_SEGMENTS / 2;
            for (int i = 0; i < depth; i++) {
                if (depth > MAX_LOCATION_SEGMENTS && i == keep) {
                    path.append("...");
                    i = depth - keep - 1;
                    continue;
                }
                path.append(stack[i].segment);
            }
            if (depth == 0) {
                path.append('$');
            } else {
                Frame parent = stack[depth - 1];
                path.append(parent.array ? "[*]" : parent.pendingSegment);
            }
            return path.toString();
        }
    }

    private static String segmentFor(String key) {
        String shown = key.length() > MAX_SEGMENT_CHARS ? key.substring(0, MAX_SEGMENT_CHARS) + "..." : key;
        return plainSegment(shown) ? "." + shown : "['" + shown.replace("'", "\\'") + "']";
    }

    private static boolean plainSegment(String shown) {
        if (shown.isEmpty()) {
            return false;
        }
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
