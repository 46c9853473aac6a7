package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.tracegate.masking.bench.JsonMaskingThroughputBenchmark;
import dev.tracegate.masking.config.FieldRuleConfig;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JSON masker's output and reports, held to what the masking classes of 2026-12-07 (main at
 * ac62dcf2, before the masker's throughput work) made of a broad corpus: every text of the masking
 * and claimed-digits corpora in several JSON shapes (a note, hinted fields, array elements, a name,
 * the whole corpus as one array and as records of neighbouring texts), randomly composed documents of
 * those texts, the throughput benchmark's documents, the fuzzers' JSON inputs and the JSON files under
 * {@code /usr} (those whose bytes are still the ones recorded; the machine's files can change), each
 * masked as a string, as UTF-8 bytes and as a stream, under the default profile, the demo profile and
 * a profile of field rules. The expected digests are in {@code json-masking-expected.tsv}, written by
 * this class's {@code main} from the classes of that commit; work on the masker's speed must not
 * change one of them. A change of what is masked (a new reading, a detector's new shape) changes
 * digests on purpose: record them again from the new classes and say why in the commit.
 */
class JsonMaskingUnchangedOutputTest {

    private static final String EXPECTED = "/json-masking-expected.tsv";
    private static final Pattern LABEL = Pattern.compile("\\[\\[[A-Z_:]+\\|(.*?)]]");
    /**
     * The JSON files of this machine read at most: enough to reach many shapes, not so many the test is slow. The
     * expected digests were recorded over 3 MiB of them; the test compares the first MiB's.
     */
    private static final long USR_BYTES = 1 << 20;
    private static final int USR_FILE_BYTES = 192 << 10;

    /** One named input: its documents, masked in order by one masker per profile. */
    record Entry(String name, List<byte[]> documents) {
    }

    @Test
    void everyRecordedDocumentIsMaskedAsBefore() throws IOException {
        Map<String, String> expected = readExpected();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry entry : entries(true)) {
            entries.put(entry.name(), entry);
        }
        List<Masking> maskings = maskings();
        List<String> differing = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, String> recorded : expected.entrySet()) {
            Entry entry = entries.get(recorded.getKey());
            if (entry == null) {
                assertThat(recorded.getKey()).as("an input of the corpus went missing").startsWith("usr:");
                continue;
            }
            compared++;
            if (!digest(entry, maskings).equals(recorded.getValue())) {
                differing.add(recorded.getKey());
            }
        }
        assertThat(compared).isGreaterThan(1_400);
        assertThat(differing).as("inputs masked differently than recorded").isEmpty();
    }

    /** Writes the expected digests: {@code main OUT} with the classes whose output is to be held. */
    public static void main(String[] args) throws IOException {
        List<Masking> maskings = maskings();
        StringBuilder out = new StringBuilder("# JsonMaskingUnchangedOutputTest: input name, digest of the masked outputs "
                + "and reports (see the test).\n");
        for (Entry entry : entries(false)) {
            out.append(entry.name()).append('\t').append(digest(entry, maskings)).append('\n');
        }
        Files.writeString(Path.of(args[0]), out);
    }

    /** One profile's masker, made once so that its documents share its memories as a gateway's do. */
    record Masking(String name, JsonMasking json) {
    }

    private static List<Masking> maskings() {
        MaskingConfig fields = new MaskingConfig(null, null, null, null, null, List.of(
                new FieldRuleConfig("$.user.email", EntityType.EMAIL, StrategyConfig.hash(true)),
                new FieldRuleConfig("$..ssn", EntityType.SSN, StrategyConfig.partial(4)),
                new FieldRuleConfig("$.items[*].secretCode", EntityType.CUSTOM, StrategyConfig.nullify()),
                new FieldRuleConfig("$.orders[*].customer.phone", EntityType.PHONE, StrategyConfig.partial(4)),
                new FieldRuleConfig("$.rows[1].*", EntityType.CUSTOM, null)), null, null);
        return List.of(new Masking("default", new Masker(MaskingProfile.defaults()).json("response.body")),
                new Masking("demo", new Masker(MaskingProfile.demo(MaskStrategyTest.KEY)).json("response.body")),
                new Masking("fields", new Masker(MaskingProfile.from(fields, MaskStrategyTest.KEY)).json("response.body")));
    }

    private static String digest(Entry entry, List<Masking> maskings) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Masking masking : maskings) {
            for (byte[] document : entry.documents()) {
                for (String line : maskedEveryWay(masking.json(), document)) {
                    sha.update(line.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) '\n');
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /** The document masked as a string, as bytes and as a stream, each with its report. */
    private static List<String> maskedEveryWay(JsonMasking json, byte[] document) {
        List<String> lines = new ArrayList<>(3);
        String text = new String(document, StandardCharsets.UTF_8);
        MaskingReport asString = new MaskingReport();
        lines.add(outcome(() -> json.mask(text, asString), asString));
        MaskingReport asBytes = new MaskingReport();
        lines.add(outcome(() -> new String(json.mask(document, asBytes), StandardCharsets.UTF_8), asBytes));
        MaskingReport streamed = new MaskingReport();
        lines.add(outcome(() -> {
            StringWriter written = new StringWriter();
            try (JsonParser in = json.factory().createParser(document);
                    JsonGenerator out = json.factory().createGenerator(written)) {
                json.mask(in, out, streamed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return written.toString();
        }, streamed));
        return lines;
    }

    private interface Masked {
        String get();
    }

    private static String outcome(Masked masked, MaskingReport report) {
        String output;
        try {
            output = masked.get();
        } catch (MaskingRefusedException | UncheckedIOException refused) {
            output = "refused " + refused.getClass().getSimpleName() + ": " + refused.getMessage();
        }
        return output + "\t" + report.snapshot();
    }

    /** Every input; with {@code lenient}, a file of {@code /usr} that cannot be read is left out rather than failing. */
    static List<Entry> entries(boolean lenient) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> texts = corpusTexts();
        for (int i = 0; i < texts.size(); i++) {
            entries.add(new Entry("text:" + i, shapes(texts.get(i))));
        }
        entries.add(new Entry("texts-as-one-array", List.of(utf8(arrayOf(texts)))));
        entries.add(new Entry("texts-as-records", List.of(utf8(recordsOf(texts)))));
        Random random = new Random(20261207);
        for (int i = 0; i < 400; i++) {
            entries.add(new Entry("composed:" + i, List.of(utf8(composed(random, texts, 0)))));
        }
        entries.add(new Entry("bench:64k-one-card", List.of(utf8(JsonMaskingThroughputBenchmark.orders(64 * 1024, -1)))));
        for (int d = 0; d < 3; d++) {
            entries.add(new Entry("bench:64k-cards-" + d, List.of(utf8(JsonMaskingThroughputBenchmark.orders(64 * 1024, d)))));
        }
        entries.add(new Entry("bench:1k", List.of(utf8(JsonMaskingThroughputBenchmark.upstreamOrders(1024, 1)),
                utf8(JsonMaskingThroughputBenchmark.upstreamOrders(1024, 2)))));
        entries.add(new Entry("bench:64k-upstream", List.of(utf8(JsonMaskingThroughputBenchmark.upstreamOrders(64 * 1024, 7)))));
        for (Path fuzzed : files(Path.of("src/test/resources/dev/tracegate/masking/MaskingFuzzTestInputs/jsonDocument"))) {
            entries.add(new Entry("fuzz:" + fuzzed.getFileName(), List.of(Files.readAllBytes(fuzzed))));
        }
        long budget = USR_BYTES;
        for (Path file : usrJsonFiles()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                if (lenient) {
                    continue;
                }
                throw e;
            }
            if (bytes.length > USR_FILE_BYTES || (budget -= bytes.length) < 0) {
                continue;
            }
            // Named by content too: a file the machine changed is a different input, not a different output.
            entries.add(new Entry("usr:" + file + ":" + sha(bytes), List.of(bytes)));
        }
        return entries;
    }

    /** A text alone as a note, in hinted fields, as array elements, as a name, beside its digits as numbers. */
    private static List<byte[]> shapes(String text) {
        String q = quoted(text);
        return List.of(utf8("{\"note\":" + q + "}"),
                utf8("{\"customer\":{\"name\":" + q + ",\"email\":" + q + ",\"phone\":" + q + ",\"card\":" + q + "}}"),
                utf8("[" + q + ",\"and\"," + q + "]"),
                utf8("{" + q + ":1,\"n\":[" + digitRuns(text) + "],\"user\":{\"email\":" + q + ",\"ssn\":" + q + "}}"));
    }

    private static String composed(Random random, List<String> texts, int depth) {
        int members = 1 + random.nextInt(6);
        boolean object = random.nextBoolean();
        StringBuilder json = new StringBuilder(object ? "{" : "[");
        String[] names = {"note", "email", "phone", "card", "iban", "ssn", "password", "token", "address", "items",
            "rows", "data", "kind", "apiVersion", "secretCode", "value", "id", "amount"};
        for (int m = 0; m < members; m++) {
            json.append(m == 0 ? "" : random.nextBoolean() ? "," : ", ");
            if (object) {
                json.append(quoted(random.nextInt(8) == 0 ? texts.get(random.nextInt(texts.size()))
                        : names[random.nextInt(names.length)])).append(':');
            }
            int kind = random.nextInt(10);
            if (kind < 2 && depth < 4) {
                json.append(composed(random, texts, depth + 1));
            } else if (kind == 2) {
                json.append(random.nextInt(5) == 0 ? (random.nextLong() & 0xFFFFFFFFFFFFFL) + ".5"
                        : Long.toString(random.nextLong() % 100_000_000_000_000_000L));
            } else if (kind == 3) {
                json.append(random.nextBoolean() ? "null" : "true");
            } else {
                json.append(quoted(texts.get(random.nextInt(texts.size()))));
            }
        }
        return json.append(object ? "}" : "]").toString();
    }

    private static String arrayOf(List<String> texts) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < texts.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quoted(texts.get(i)));
        }
        return json.append(']').toString();
    }

    private static String recordsOf(List<String> texts) {
        StringBuilder json = new StringBuilder("{\"rows\":[");
        for (int i = 0; i + 2 < texts.size(); i += 3) {
            json.append(i == 0 ? "" : ",").append("{\"a\":").append(quoted(texts.get(i))).append(",\"b\":")
                    .append(quoted(texts.get(i + 1))).append(",\"c\":").append(quoted(texts.get(i + 2))).append('}');
        }
        return json.append("]}").toString();
    }

    /** The masking corpus's texts without their labels, and the claimed-digits corpus's inputs. */
    private static List<String> corpusTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : resourceLines("/masking-corpus.txt")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                texts.add(LABEL.matcher(line).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1)))
                        .replace("\\n", "\n"));
            }
        }
        for (String line : resourceLines("/claimed-digits-corpus.tsv")) {
            String[] columns = line.split("\t");
            if (!line.startsWith("#") && columns.length >= 3) {
                texts.add(columns[2].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\"));
            }
        }
        return texts;
    }

    private static List<Path> usrJsonFiles() throws IOException {
        try (Stream<Path> files = Files.find(Path.of("/usr"), 12, (path, attributes) -> attributes.isRegularFile()
                && path.toString().endsWith(".json"))) {
            return files.sorted().toList();
        } catch (UncheckedIOException e) {
            return List.of();
        }
    }

    private static List<Path> files(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    private static Map<String, String> readExpected() throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : resourceLines(EXPECTED)) {
            if (!line.startsWith("#")) {
                int tab = line.lastIndexOf('\t');
                expected.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return expected;
    }

    private static List<String> resourceLines(String name) throws IOException {
        try (InputStream in = JsonMaskingUnchangedOutputTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static String digitRuns(String text) {
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            if (text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                int end = i;
                while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
                    end++;
                }
                String run = text.substring(i, Math.min(end, i + 18)).replaceFirst("^0+(?=.)", "");
                numbers.append(numbers.isEmpty() ? "" : ",").append(run);
                i = end;
            } else {
                i++;
            }
        }
        return numbers.toString();
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
