package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.masking.config.FieldRuleConfig;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.config.StrategyConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMaskingTest {

    private static Masker withFields(FieldRuleConfig... rules) {
        return new Masker(MaskingProfile.from(new MaskingConfig(null, null, null, null, null, List.of(rules), null, null),
                MaskStrategyTest.KEY));
    }

    /**
     * A private key whose lines are a JSON array's strings (a key file's lines as an API returns them): each string
     * is scanned alone, so before 2026-12-06 the header was masked and the key's lines were left in clear. The strings
     * after the header are the key's lines through its END line, masked as a string and as bytes alike;
     * the array's other strings and a later array stay. An array that holds the key's body without its header (its
     * first line shows a private key's DER) is followed from that line: in clear before 2026-12-06 too.
     */
    /**
     * A JWT whose parts are an array's strings ({@code token.split(".")} returned as JSON): no part is a token alone, so
     * before 2026-12-06 all three reached masked callers in clear. After the header, the parts are masked through the
     * signature; a later array of cursors is no token.
     */
    @Test
    void aJwtWhosePartsAreAnArraysStringsIsMaskedAfterItsHeader() {
        String header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        String payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
        String signature = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        String json = "{\"parts\": [\"" + header + "\", \"" + payload + "\", \"" + signature + "\", \"ok\"], \"next\": [\"eyJwYWdlIjoyfQ\"]}";
        Masker masker = new Masker(MaskingProfile.defaults());
        String held = masker.json("response.body").mask(json, new MaskingReport());
        String streamed = new String(masker.json("response.body").mask(json.getBytes(StandardCharsets.UTF_8), new MaskingReport()),
                StandardCharsets.UTF_8);
        for (String out : List.of(held, streamed)) {
            assertThat(out.replace(" ", "")).isEqualTo("{\"parts\":[\"" + header + "\",\"[SECRET]\",\"[SECRET]\",\"ok\"],"
                    + "\"next\":[\"eyJwYWdlIjoyfQ\"]}");
        }
    }

    /**
     * One value's pieces in the members of one object or the elements of one array, each scanned alone: before
     * 2026-12-07 an address cut at its {@code @}, a card's groups, a JWT's parts as members, an assignment and its
     * value, a private key one line a member, a token cut in two, and pieces in two nested objects of one record
     * reached masked callers in clear. A document held whole
     * has every piece masked, the earlier ones too, even past another value masked between them, and so has a stream
     * (it holds a record's tokens from its first possible piece); a record's pieces are not read with another
     * record's (the elements of an array, NDJSON lines).
     */
    @Test
    void oneValuesPiecesInTheMembersOfARecordAreMaskedInEachMember() {
        String header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        String payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
        String signature = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        Masker masker = new Masker(MaskingProfile.defaults());
        Map<String, String> masked = Map.of(
                "{\"a\": \"ada.lovelace@\", \"id\": 7, \"b\": \"example.com\", \"c\": \"primary\"}",
                "{\"a\": \"[EMAIL]\", \"id\": 7, \"b\": \"[EMAIL]\", \"c\": \"primary\"}",
                "[\"4111 1111\", \"1111 1111\", \"visa\"]", "[\"[CARD]\", \"[CARD]\", \"visa\"]",
                "{\"x\": {\"l\": \"ada@\"}, \"phone\": \"+44 20 7946 0958\", \"y\": {\"d\": \"example.com\"}}",
                "{\"x\": {\"l\": \"[EMAIL]\"}, \"phone\": \"[PHONE]\", \"y\": {\"d\": \"[EMAIL]\"}}",
                "{\"h\": \"" + header + "\", \"p\": \"" + payload + "\", \"s\": \"" + signature + "\"}",
                "{\"h\": \"[SECRET]\", \"p\": \"[SECRET]\", \"s\": \"[SECRET]\"}",
                "{\"k\": \"db password=\", \"v\": \"Tr0ub4dor&3xQ\"}", "{\"k\": \"db password=\", \"v\": \"[SECRET]\"}");
        String line = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        masked = new java.util.HashMap<>(masked);
        masked.put("{\"h\": \"-----BEGIN PRIVATE KEY-----\", \"l1\": \"" + line + "\", \"l2\": \"AB12==\","
                + " \"e\": \"-----END PRIVATE KEY-----\", \"who\": \"ops\"}", "{\"h\": \"[SECRET]\", \"l1\": \"[SECRET]\","
                + " \"l2\": \"[SECRET]\", \"e\": \"[SECRET]\", \"who\": \"ops\"}");
        masked.put("{\"a\": \"ghp_16C7e42F292c6912\", \"b\": \"E7710c838347Ae178B4a\"}", "{\"a\": \"[SECRET]\", \"b\": \"[SECRET]\"}");
        masked.forEach((json, expected) -> {
            assertThat(masker.json("b").mask(json, new MaskingReport())).as(json).isEqualTo(expected);
            assertThat(new String(masker.json("b").mask(json.getBytes(StandardCharsets.UTF_8), new MaskingReport()),
                    StandardCharsets.UTF_8)).as(json).isEqualTo(expected);
        });
        // records apart are read apart: an array's objects, as a result's rows; a local part left open at its @ is
        // masked by itself (its domain may be in the next record: in clear before 2026-12-07), the domain alone stays
        String rows = "[{\"l\": \"ada@\"}, {\"d\": \"example.com\"}, {\"h\": \"@ada\"}, {\"grace.hopper@\": 1},"
                + " {\"l\": \"ada.lovelace@example.\"}, {\"t\": \"com\"}]";
        assertThat(maskedEveryWay(masker, rows)).allSatisfy(out -> assertThat(out.replace(" ", ""))
                .isEqualTo("[{\"l\":\"[EMAIL]\"},{\"d\":\"example.com\"},{\"h\":\"@ada\"},{\"[EMAIL]\":1},"
                        + "{\"l\":\"[EMAIL]\"},{\"t\":\"com\"}]"));
        // a stream holds a record's tokens from its first possible piece until it closes; NDJSON lines are records apart
        byte[] ndjson = ("{\"a\": \"ada.lovelace@\", \"id\": [7, true, null], \"b\": \"example.com\"}\n{\"a\": \"ada@\"}\n"
                + "{\"b\": \"example.com\"}\n").getBytes(StandardCharsets.UTF_8);
        assertThat(new String(masker.json("b").maskNdjson(ndjson, new MaskingReport()), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":\"[EMAIL]\",\"id\":[7,true,null],\"b\":\"[EMAIL]\"}\n{\"a\":\"[EMAIL]\"}\n{\"b\":\"example.com\"}\n");
    }

    /**
     * An address cut inside its local part between two elements of an array or two members of an object ({@code
     * ["ada.love", "lace@example.com"]}): the second is an address by itself and was masked, and before 2026-12-07 the
     * first reached masked callers in clear, held whole and streamed. A word before an address, a value that is not its
     * neighbour and a record of its own stay.
     */
    @Test
    void anAddressCutInItsLocalPartBetweenElementsOrMembersIsMaskedInBoth() {
        Masker masker = new Masker(MaskingProfile.defaults());
        Map<String, String> masked = Map.of(
                "[\"ada.love\", \"lace@example.com\"]", "[\"[EMAIL]\",\"[EMAIL]\"]",
                "{\"a\": \"ada.love\", \"b\": \"lace@example.com\", \"c\": \"ok\"}", "{\"a\":\"[EMAIL]\",\"b\":\"[EMAIL]\",\"c\":\"ok\"}",
                "{\"x\": [\"ada_l\", \"ovelace@example.com\"], \"y\": \"z\"}", "{\"x\":[\"[EMAIL]\",\"[EMAIL]\"],\"y\":\"z\"}",
                "[\"admin\", \"ops@example.com\"]", "[\"admin\",\"[EMAIL]\"]",
                "{\"a\": \"ada.love\", \"n\": 7, \"b\": \"lace@example.com\"}", "{\"a\":\"ada.love\",\"n\":7,\"b\":\"[EMAIL]\"}",
                "[{\"a\": \"ada.love\"}, {\"b\": \"lace@example.com\"}]", "[{\"a\":\"ada.love\"},{\"b\":\"[EMAIL]\"}]",
                "\"lace@example.com\"", "\"[EMAIL]\""); // a document that is one string: no record around it
        masked.forEach((json, expected) -> assertThat(maskedEveryWay(masker, json))
                .allSatisfy(out -> assertThat(out.replace(" ", "")).as(json).isEqualTo(expected)));
    }

    /** A JSON text of {@code value}'s UTF-8 bytes as Node's {@code Buffer.toJSON} writes them. */
    private static String bufferJson(String value) {
        StringBuilder data = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            data.append(data.isEmpty() ? "" : ",").append(b & 0xff);
        }
        return "{\"type\":\"Buffer\",\"data\":[" + data + "]}";
    }

    /** {@code value}'s characters as a JSON array of one-character strings. */
    private static String characterArray(String value) {
        StringBuilder array = new StringBuilder("[");
        value.chars().forEach(c -> array.append(array.length() > 1 ? "," : "").append('"').append((char) c).append('"'));
        return array.append(']').toString();
    }

    /** What one masker makes of {@code json} held whole, as a string and as bytes, and streamed (NDJSON). */
    private static List<String> maskedEveryWay(Masker masker, String json) {
        return List.of(masker.json("b").mask(json, new MaskingReport()),
                new String(masker.json("b").mask(json.getBytes(StandardCharsets.UTF_8), new MaskingReport()), StandardCharsets.UTF_8),
                new String(masker.json("b").maskNdjson((json + "\n").getBytes(StandardCharsets.UTF_8), new MaskingReport()),
                        StandardCharsets.UTF_8).strip());
    }

    /**
     * A value written one unit an element of an array (Node's {@code Buffer.toJSON}, a card's groups as strings or
     * numbers, an address as its characters, a secret's code points): each element alone is nothing, so before
     * 2026-12-07 every one reached masked callers in clear, held whole and streamed. Every element of the run is
     * masked now; the elements around it stay.
     */
    @Test
    void aValueWrittenOneUnitAnElementIsMaskedInEachElement() {
        Masker masker = new Masker(MaskingProfile.defaults());
        Map<String, String> cases = Map.of(
                bufferJson("ada.lovelace@example.com"), "EMAIL",
                "{\"card\": [\"4111\", \"1111\", \"1111\", \"1111\"], \"n\": 1}", "CARD",
                "{\"pan\": [4111, 1111, 1111, 1111]}", "CARD",
                "{\"x\": " + characterArray("ada.lovelace@example.com") + "}", "EMAIL",
                "[\"id\", " + characterArray("ghp_16C7e42F292c6912E7710c838347Ae178B4a").substring(1), "SECRET",
                bufferJson("password=Tr0ub4dor&3xQ"), "SECRET",
                "{\"signed\": [97, 100, 97, 46, 108, 111, 118, 101, 108, 97, 99, 101, 64, -61, -87, 120, 97, 109, 112, 108, 101,"
                        + " 46, 99, 111, 109]}", "EMAIL",
                "{\"hex\": [\"0x61\", \"0x64\", \"0x61\", \"0x40\", \"0x65\", \"0x78\", \"0x61\", \"0x6d\", \"0x70\","
                        + " \"0x6c\", \"0x65\", \"0x2e\", \"0x63\", \"0x6f\", \"0x6d\"]}", "EMAIL");
        cases.forEach((json, type) -> {
            for (String out : maskedEveryWay(masker, json)) {
                assertThat(out).as(json).contains("[" + type + "]").doesNotContain("\"1111\"").doesNotContain(",97,")
                        .doesNotContain("\"@\"").doesNotContain("\"3\"").doesNotContain("1111,");
            }
        });
        String mixed = "{\"id\": [7, 8], \"d\": [4111, 1111, 1111, 1111], \"after\": [9, 10, 11]}";
        for (String out : maskedEveryWay(masker, mixed)) {
            assertThat(out.replace(" ", "")).isEqualTo("{\"id\":[7,8],\"d\":[\"[CARD]\",\"[CARD]\",\"[CARD]\",\"[CARD]\"],"
                    + "\"after\":[9,10,11]}");
        }
    }

    /**
     * A value cut into chunks longer than one unit, an element each (an address cut anywhere, a card's digits cut inside
     * its groups), a card's digits one integer an element, a card's groups inside a longer run, an address's code units
     * beside a surrogate pair (JavaScript's {@code charCodeAt}), and an address's bytes in hex without a prefix: each element
     * alone is nothing or only part, so before 2026-12-07 {@code ada.}, {@code love} and {@code exam}, the card and the
     * bytes reached masked callers in clear, held whole and streamed. Every chunk is masked now.
     */
    @Test
    void aValueInChunksAcrossElementsIsMaskedInEachElement() {
        Masker masker = new Masker(MaskingProfile.defaults());
        Map<String, String> cases = Map.of(
                "{\"x\": [\"ada.\", \"love\", \"lace@\", \"exam\", \"ple.com\"]}", "EMAIL",
                "{\"x\": [\"ada.lov\", \"elace@exa\", \"mple.com\"], \"n\": 2}", "EMAIL",
                "{\"x\": [\"4111 11\", \"11 1111 \", \"1111\"]}", "CARD",
                "{\"x\": [\"4111-1\", \"111-1111-\", \"1111\"]}", "CARD",
                "{\"x\": [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}", "CARD",
                "{\"x\": [\"61\", \"64\", \"61\", \"40\", \"65\", \"78\", \"61\", \"6d\", \"70\", \"6c\", \"65\", \"2e\","
                        + " \"63\", \"6f\", \"6d\"]}", "EMAIL",
                "{\"x\": [\"ghp_16C7e4\", \"2F292c6912E7\", \"710c838347Ae\", \"178B4a\"]}", "SECRET",
                "{\"x\": [7, 4111, 1111, 1111, 1111, 9, 9, 9]}", "CARD",
                "{\"x\": [" + String.join(", ", "ada.lovelace@example.com".chars().mapToObj(Integer::toString).toList())
                        + ", 32, 55357, 56832]}", "EMAIL");
        cases.forEach((json, type) -> {
            for (String out : maskedEveryWay(masker, json)) {
                assertThat(out).as(json).contains("[" + type + "]").doesNotContain("ada.").doesNotContain("love")
                        .doesNotContain("exam").doesNotContain("11 ").doesNotContain("1,1,").doesNotContain("\"6d\"")
                        .doesNotContain("2F292c");
            }
        });
    }

    /**
     * Ordinary arrays of short values stay as they are: ids, small numbers, RGB triples, coordinates, version parts,
     * years, ports, language codes, bytes that decode to no text, a long array of counters.
     */
    @Test
    void ordinaryArraysOfShortValuesStayAsTheyAre() {
        Masker masker = new Masker(MaskingProfile.defaults());
        StringBuilder counters = new StringBuilder("[");
        java.util.Random random = new java.util.Random(7);
        for (int k = 0; k < 3000; k++) {
            counters.append(k == 0 ? "" : ",").append(random.nextInt(256));
        }
        counters.append(']');
        List<String> ordinary = List.of("{\"ids\": [1001, 1002, 1003, 1004, 1005]}", "{\"rgb\": [255, 128, 0]}",
                "{\"at\": [52.5200, 13.4050]}", "{\"version\": [3, 12, 1]}", "{\"years\": [2019, 2020, 2021, 2022, 2023]}",
                "{\"ports\": [80, 443, 8080, 8443, 5432, 3306]}", "{\"langs\": [\"en\", \"de\", \"fr\", \"com\"]}",
                "{\"flags\": [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 1]}", "{\"sha\": [222, 173, 190, 239, 1, 2, 3, 4, 5]}",
                "{\"grid\": [[1, 2, 3], [4, 5, 6]]}", counters.toString(),
                "{\"tags\": [\"New York\", \"Paris\", \"2026-12-07\", \"10:30-11:00\", \"+1\", \"@ada\", \"ops\"]}",
                "{\"digits\": [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4]}",
                "{\"hex\": [\"de\", \"ad\", \"be\", \"ef\", \"00\", \"01\", \"7f\", \"80\", \"ff\"]}",
                "{\"listed\": [4003, 7051, 3847, 7, 49, 30, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 8]}",
                "{\"\": \"\", \".\": [\".\", \"a.\", \"@.\", \"see example.\", \"root@db1\"]}");
        for (String json : ordinary) {
            assertThat(maskedEveryWay(masker, json)).as(json).allSatisfy(out -> assertThat(out.replace(" ", "")).isEqualTo(json.replace(" ", "")));
        }
    }

    /**
     * A card's groups one plain group a member of an object, as strings or numbers, in an object of their own or
     * among a record's other members (American Express's 4-6-5 too): no member is anything alone, so before
     * 2026-12-07 each reached masked callers in clear, held whole and streamed. Every group is masked; the record's
     * other members stay, and so do runs of codes that make no card (postcodes, a long list of codes, years).
     */
    @Test
    void aCardsGroupsOneAMemberOfAnObjectAreMaskedInEachMember() {
        Masker masker = new Masker(MaskingProfile.defaults());
        Map<String, String> masked = Map.of(
                "{\"a\": \"4111\", \"b\": \"1111\", \"c\": \"1111\", \"d\": \"1111\"}",
                "{\"a\":\"[CARD]\",\"b\":\"[CARD]\",\"c\":\"[CARD]\",\"d\":\"[CARD]\"}",
                "{\"id\": 7, \"card\": {\"g1\": 4111, \"g2\": 1111, \"g3\": 1111, \"g4\": 1111}, \"note\": \"ok\"}",
                "{\"id\":7,\"card\":{\"g1\":\"[CARD]\",\"g2\":\"[CARD]\",\"g3\":\"[CARD]\",\"g4\":\"[CARD]\"},\"note\":\"ok\"}",
                "[{\"x\": \"3782\", \"y\": \"822463\", \"z\": \"10005\", \"exp\": \"12/29\"}]",
                "[{\"x\":\"[CARD]\",\"y\":\"[CARD]\",\"z\":\"[CARD]\",\"exp\":\"12/29\"}]");
        masked.forEach((json, expected) -> assertThat(maskedEveryWay(masker, json)).as(json)
                .allSatisfy(out -> assertThat(out.replace(" ", "")).isEqualTo(expected)));
        List<String> ordinary = List.of("{\"zip\": {\"a\": 8001, \"b\": 8002, \"c\": 8003, \"d\": 8004}}",
                "{\"n\": \"1234\", \"m\": \"5678\", \"o\": \"9012\", \"p\": \"3456\"}",
                "{\"from\": 2019, \"to\": 2026, \"w\": 1920, \"h\": 1080, \"dpi\": 300}",
                "{\"a\": 1001, \"b\": 1002, \"c\": 1003, \"d\": 1004, \"e\": 1005, \"f\": 1006, \"g\": 1007}");
        for (String json : ordinary) {
            assertThat(maskedEveryWay(masker, json)).as(json).allSatisfy(out -> assertThat(out.replace(" ", "")).isEqualTo(json.replace(" ", "")));
        }
    }

    /**
     * A long array of bytes (a file's, by {@code Buffer.toJSON}) is read a window of elements at a time, each with the
     * end of the one before: an address anywhere in it, across a window's end too, is masked, held whole and streamed.
     */
    @Test
    void aValueInALongArrayOfBytesIsMaskedWhereverItIs() {
        Masker masker = new Masker(MaskingProfile.defaults());
        for (int before : List.of(10, ElementUnits.WINDOW - 12, 3 * ElementUnits.WINDOW + 500)) {
            String text = "x".repeat(before).replace('x', '\u0001') + "ada.lovelace@example.com" + "\u0002".repeat(2000);
            for (String out : maskedEveryWay(masker, bufferJson(text))) {
                assertThat(out).as("at %d", before).contains("[EMAIL]").doesNotContain(",97,100,97,").doesNotContain(",64,101,");
            }
        }
    }

    @Test
    void aPrivateKeyWhoseLinesAreAnArraysStringsIsMaskedLineByLine() {
        String line = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        String json = "{\"key\": [\"-----BEGIN PRIVATE KEY-----\", \"" + line + "\", \"" + line + "\", \"AB12==\","
                + " \"-----END PRIVATE KEY-----\", \"rotated\"], \"other\": [\"AB12==\"], \"body\": [\"" + line + "\", \"AB12==\"]}";
        Masker masker = new Masker(MaskingProfile.defaults());
        String held = masker.json("response.body").mask(json, new MaskingReport());
        String streamed = new String(masker.json("response.body").mask(json.getBytes(StandardCharsets.UTF_8), new MaskingReport()),
                StandardCharsets.UTF_8);
        for (String out : List.of(held, streamed)) {
            assertThat(out.replace(" ", "")).isEqualTo("{\"key\":[\"[SECRET]\",\"[SECRET]\",\"[SECRET]\",\"[SECRET]\","
                    + "\"[SECRET]\",\"rotated\"],\"other\":[\"AB12==\"],\"body\":[\"[SECRET]\",\"[SECRET]\"]}");
        }
    }

    @Test
    void fieldPathRulesAndContentDetectors() {
        Masker masker = withFields(new FieldRuleConfig("$.user.email", EntityType.EMAIL, StrategyConfig.hash(true)),
                new FieldRuleConfig("$.items[*].secretCode", EntityType.CUSTOM, StrategyConfig.nullify()));
        MaskingReport report = new MaskingReport();
        String out = masker.json("request.body").mask("""
                {"user":{"email":"alice@example.com","note":"or bob@example.com"},
                 "items":[{"secretCode":"X1","qty":2},{"secretCode":{"a":[1,2]},"qty":3}],"ok":true,"n":null}""", report);
        assertThat(out).matches("\\{\"user\":\\{\"email\":\"[0-9a-f]{12}@[0-9a-f]{8}\\.example\",\"note\":\"or \\[EMAIL]\"},\n"
                + " \"items\":\\[\\{\"secretCode\":null,\"qty\":2},\\{\"secretCode\":null,\"qty\":3}],\"ok\":true,\"n\":null}");
        assertThat(report.snapshot().found()).containsEntry("request.body:$.user.email", Map.of("EMAIL", 1L))
                .containsEntry("request.body:$.user.note", Map.of("EMAIL", 1L))
                .containsEntry("request.body:$.items[*].secretCode", Map.of("CUSTOM", 2L));
    }

    @Test
    void aKubernetesSecretsDataIsMaskedWhateverItsNamesWhenTheWalkKnowsItIsOne() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String url = "cG9zdGdyZXM6Ly9zaG9wOlRyMHViNGRvckBkYjo1NDMyL3Nob3A=";
        for (String secret : List.of(
                "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"db\"},\"data\":{\"DB_URL\":\"" + url + "\"}}",
                "{\"kind\":\"Secret\",\"stringData\":{\"conn\":\"" + url + "\"}}",
                "{\"kind\":\"SecretList\",\"items\":[{\"metadata\":{\"name\":\"db\"},\"data\":{\"DB_URL\":\"" + url + "\"}}]}",
                "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Secret\",\"data\":{\"DB_URL\":\"" + url + "\"}}}")) {
            MaskingReport report = new MaskingReport();
            assertThat(masker.json("b").mask(secret, report)).as(secret).doesNotContain(url).contains("[SECRET]");
            assertThat(report.snapshot().found().toString()).as(secret).contains("SECRET");
        }
        // Another kind's data, a Secret's other fields and a SecretList's metadata are what they are
        // (a ConfigMap's Base64 value that decodes to a credential is still one: see MaskerTest).
        String configMap = "{\"kind\":\"ConfigMap\",\"data\":{\"LOG\":\"bG9nIGxldmVsIGRlYnVnLCByZWdpb24gZXUtd2VzdC0x\"}}";
        assertThat(masker.json("b").mask(configMap, new MaskingReport())).isEqualTo(configMap);
        assertThat(masker.json("b").mask("{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"type\":\"Opaque\"}",
                new MaskingReport())).contains("\"name\":\"db\"").contains("Opaque");
    }

    @Test
    void aCardOrPhoneWrittenAsAWholeFloatIsFoundAndAFractionIsLeftAlone() {
        Masker masker = new Masker(MaskingProfile.defaults());
        MaskingReport report = new MaskingReport();
        String out = masker.json("b").mask("""
                [{"ref":4111111111111111.0,"alt":4.111111111111111E15,"no":5555555555554444.000,
                  "price":12.50,"qty":3.0,"rate":4.111111111111111}]""", report);

        assertThat(out).doesNotContain("4111111111111111").doesNotContain("4.111111111111111E15")
                .doesNotContain("5555555555554444").contains("\"price\":12.50").contains("\"qty\":3.0")
                .contains("\"rate\":4.111111111111111");
        assertThat(report.snapshot().found()).containsEntry("b:$[*].ref", Map.of("CARD", 1L))
                .containsEntry("b:$[*].alt", Map.of("CARD", 1L));
    }

    @Test
    void theDigitsOfAWholeFloat() {
        assertThat(WholeNumber.digitsOf("4111111111111111.0")).isEqualTo("4111111111111111");
        assertThat(WholeNumber.digitsOf("4.111111111111111E15")).isEqualTo("4111111111111111");
        assertThat(WholeNumber.digitsOf("4.1555501E+9")).isEqualTo("4155550100");
        assertThat(WholeNumber.digitsOf("-7.0")).isEqualTo("-7");
        assertThat(WholeNumber.digitsOf("12.50")).isNull();
        assertThat(WholeNumber.digitsOf("1.5E-3")).isNull();
        assertThat(WholeNumber.digitsOf("1E+999999999")).as("no string of a billion digits").isNull();
        assertThat(WholeNumber.digitsOf("1" + "0".repeat(60) + ".0")).isNull();
    }

    @Test
    void descendantAndWildcardPaths() {
        Masker masker = withFields(new FieldRuleConfig("$..ssn", EntityType.SSN, StrategyConfig.partial(4)),
                new FieldRuleConfig("$.rows[1].*", EntityType.CUSTOM, null));
        String out = masker.json("b").mask("""
                {"a":{"b":[{"ssn":"536-22-1234"}]},"rows":[{"x":"keep"},{"x":"hide","y":"hide"}]}""", new MaskingReport());
        assertThat(out).isEqualTo("{\"a\":{\"b\":[{\"ssn\":\"***-**-1234\"}]},\"rows\":[{\"x\":\"keep\"},"
                + "{\"x\":\"[CUSTOM]\",\"y\":\"[CUSTOM]\"}]}");
    }

    @Test
    void ruleOnAContainerAppliesToEveryScalarInside() {
        Masker masker = withFields(new FieldRuleConfig("$.contact", EntityType.PHONE, StrategyConfig.redact()));
        String out = masker.json("b").mask("{\"contact\":{\"home\":\"x\",\"list\":[1,\"y\",true]},\"z\":1}", new MaskingReport());
        assertThat(out).isEqualTo("{\"contact\":{\"home\":\"[PHONE]\",\"list\":[\"[PHONE]\",\"[PHONE]\",true]},\"z\":1}");
    }

    @Test
    void namesOfCardBankIdentityAndSecretFieldsAreHints() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String out = masker.json("b").mask("""
                {"card_num":"v1","accountNumber":"v2","sort_code":"v3","passportNumber":"v4","drivers_license":"v5",
                 "cvv":"v6","pin":"v7","otp":"v8","sessionId":"v9","cookie":"v10","authorization":"v11","spin":"ok",
                 "shipping":"ok","pinned":true}""", new MaskingReport());
        assertThat(out).doesNotContain("\"v").contains("\"card_num\":\"[CARD]\"").contains("\"accountNumber\":\"[IBAN]\"")
                .contains("\"passportNumber\":\"[SSN]\"").contains("\"cvv\":\"[SECRET]\"")
                .contains("\"spin\":\"ok\"").contains("\"shipping\":\"ok\"").contains("\"pinned\":true");
    }

    /** JSON escapes are undone before the detectors read a string or a key: {@code \u0040} is an {@code @}. */
    @Test
    void escapedCharactersAreReadDecoded() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String out = masker.json("b").mask("""
                {"note":"write to ada\\u0040example\\u002eorg","ada\\u0040example.org":1,"memo":"4111\\u00201111 1111 1111"}""",
                new MaskingReport());
        assertThat(out).doesNotContain("ada").doesNotContain("example").doesNotContain("1111");
    }

    /** Credential fields cloud SDKs, Docker's config.json and config files write, in their own spellings. */
    @Test
    void credentialFieldsOfCloudAndRegistryConfigsAreHints() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String out = masker.json("b").mask("""
                {"auths":{"registry.example.com":{"auth":"v1"}},"AccountKey":"v2","SharedAccessKey":"v3","db_pass":"v4",
                 "dbPass":"v5","Ocp-Apim-Subscription-Key":"v6","bypass":"ok","compass":"ok","passed":"ok"}""",
                new MaskingReport());
        assertThat(out).doesNotContain("\"v").contains("\"auth\":\"[SECRET]\"").contains("\"bypass\":\"ok\"")
                .contains("\"compass\":\"ok\"").contains("\"passed\":\"ok\"");
    }

    @Test
    void aStringThatIsAJsonDocumentIsMaskedAsOne() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String out = masker.json("b").mask("""
                {"tool":"update","arguments":"{\\"password\\":\\"hunter2\\",\\"dob\\":\\"1985-03-02\\",\\"n\\":1}",
                 "list":"[1,2]","clean":"{\\"a\\": 1}","text":"{mail ada@example.com}"}""", new MaskingReport());
        assertThat(out).isEqualTo("{\"tool\":\"update\",\"arguments\":\"{\\\"password\\\":\\\"[SECRET]\\\","
                + "\\\"dob\\\":\\\"[DATE_OF_BIRTH]\\\",\\\"n\\\":1}\",\n \"list\":\"[1,2]\","
                + "\"clean\":\"{\\\"a\\\": 1}\",\"text\":\"{mail [EMAIL]}\"}");
    }

    @Test
    void aTextValueThatIsAJsonDocumentIsMaskedAsOne() {
        Masker masker = new Masker(MaskingProfile.defaults());
        ColumnRef payload = ColumnRef.of("public", "events", "payload", "text");
        MaskingReport report = new MaskingReport();
        assertThat(masker.maskText(payload, "{\"dob\": \"1985-03-02\", \"kind\": \"signup\"}", report).value())
                .isEqualTo("{\"dob\": \"[DATE_OF_BIRTH]\", \"kind\": \"signup\"}");
        assertThat(report.snapshot().toString()).contains("DATE_OF_BIRTH");
        assertThat(masker.maskText(payload, "{not json, mail ada@example.com}", new MaskingReport()).value())
                .isEqualTo("{not json, mail [EMAIL]}");
        assertThat(masker.maskText(payload, "[1, 2]", new MaskingReport()).changed()).isFalse();
    }

    @Test
    void everyValueInsideAnObjectUnderAHintedNameTakesItsHint() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String out = masker.json("b").mask("""
                {"password":{"value":"hunter2","history":["a1","b2"]},"ssn":{"area":"123","rest":"456789"},
                 "dob":{"y":1985,"m":"03"},"email":{"verified":true},"product":{"name":"Tea"}}""", new MaskingReport());
        assertThat(out).isEqualTo("{\"password\":{\"value\":\"[SECRET]\",\"history\":[\"[SECRET]\",\"[SECRET]\"]},"
                + "\"ssn\":{\"area\":\"[SSN]\",\"rest\":\"[SSN]\"},\n \"dob\":{\"y\":\"[DATE_OF_BIRTH]\","
                + "\"m\":\"[DATE_OF_BIRTH]\"},\"email\":{\"verified\":true},\"product\":{\"name\":\"Tea\"}}");
    }

    @Test
    void fieldNameHintsAndArraysUnderAHintedName() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String out = masker.json("b").mask("""
                {"customer":{"name":"Ada","phones":["123","456"],"password":"p","count":7},"product":{"name":"Tea"}}""",
                new MaskingReport());
        assertThat(out).isEqualTo("{\"customer\":{\"name\":\"[PERSON_NAME]\",\"phones\":[\"[PHONE]\",\"[PHONE]\"],"
                + "\"password\":\"[SECRET]\",\"count\":7},\"product\":{\"name\":\"Tea\"}}");
    }

    @Test
    void llmTraceCountersAreNotSecrets() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String trace = "{\"usage\":{\"prompt_tokens\":12,\"max_tokens\":4096},\"access_token\":\"abc\",\"token\":7}";
        assertThat(masker.json("b").mask(trace, new MaskingReport()))
                .isEqualTo("{\"usage\":{\"prompt_tokens\":12,\"max_tokens\":4096},\"access_token\":\"[SECRET]\",\"token\":7}");
    }

    @Test
    void numbersAndKeysAreScannedToo() {
        Masker masker = new Masker(MaskingProfile.defaults());
        MaskingReport report = new MaskingReport();
        String out = masker.json("b").mask("{\"alice@example.com\":{\"v\":4111111111111111,\"w\":3.5,\"n\":42}}", report);
        assertThat(out).isEqualTo("{\"[EMAIL]\":{\"v\":\"[CARD]\",\"w\":3.5,\"n\":42}}");
        assertThat(report.snapshot().found()).containsKeys("b:$['[EMAIL]']", "b:$['[EMAIL]'].v");
        assertThat(report.snapshot().toEventData().toString()).doesNotContain("alice");
    }

    @Test
    void jsonbCellsAreWalkedAndKeptByteForByteWhenClean() {
        Masker masker = new Masker(MaskingProfile.defaults());
        ColumnMasker column = masker.forColumn(ColumnRef.of("public", "events", "payload", "jsonb"));
        MaskingReport report = new MaskingReport();
        String clean = "{\"a\": 1, \"b\": [true, \"x\"]}";
        CellResult kept = column.mask(clean, report);
        assertThat(kept.outcome()).isEqualTo(CellOutcome.UNCHANGED);
        assertThat(kept.value()).isSameAs(clean);
        CellResult masked = column.mask("{\"contact\": \"mail alice@example.com\"}", report);
        assertThat(masked.value()).as("PostgreSQL's own spacing kept").isEqualTo("{\"contact\": \"mail [EMAIL]\"}");
        assertThat(report.snapshot().found()).containsOnlyKeys("public.events.payload:$.contact");
    }

    @Test
    void wholeValueMaskOfAJsonColumnStaysValidJson() {
        Masker masker = new Masker(MaskingProfile.defaults());
        CellResult result = masker.maskText(ColumnRef.of(null, "users", "email", "jsonb"), "\"alice@example.com\"",
                new MaskingReport());
        assertThat(result.value()).isEqualTo("\"[EMAIL]\"");
    }

    @Test
    void ndjsonOneDocumentPerLine() {
        Masker masker = new Masker(MaskingProfile.defaults());
        byte[] out = masker.json("traces").maskNdjson("""
                {"q":"hi alice@example.com"}
                {"q":"nothing"}
                [1,"+44 20 7946 0958"]
                """.getBytes(StandardCharsets.UTF_8), new MaskingReport());
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"q\":\"hi [EMAIL]\"}\n{\"q\":\"nothing\"}\n[1,\"[PHONE]\"]\n");
    }

    @Test
    void deepNestingIsRefusedWithoutRecursion() {
        Masker masker = new Masker(MaskingProfile.defaults());
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThatThrownBy(() -> masker.json("b").mask(deep, new MaskingReport()))
                .isInstanceOfSatisfying(MaskingRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FallbackReason.TOO_DEEP);
                    assertThat(e.getMessage()).contains("1000");
                });
        String ok = "[".repeat(1000) + "]".repeat(1000);
        assertThat(masker.json("b").mask(ok, new MaskingReport())).isEqualTo(ok);
    }

    @Test
    void invalidJsonIsRefusedWithoutQuotingIt() {
        Masker masker = new Masker(MaskingProfile.defaults());
        for (String bad : List.of("{\"a\": alice@example.com}", "{\"a\":1", "{\"a\":1} trailing", "", "[1,]")) {
            assertThatThrownBy(() -> masker.json("b").mask(bad, new MaskingReport()))
                    .as(bad)
                    .isInstanceOfSatisfying(MaskingRefusedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(FallbackReason.INVALID_JSON);
                        assertThat(e.getMessage()).startsWith("masking refused b: ").doesNotContain("alice");
                    });
        }
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> masker.json("b").mask(invalidUtf8, new MaskingReport()))
                .isInstanceOfSatisfying(MaskingRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FallbackReason.INVALID_JSON));
    }

    @Test
    void invalidJsonInACellGetsTheFallbackNotAnException() {
        Masker masker = new Masker(MaskingProfile.defaults());
        MaskingReport report = new MaskingReport();
        CellResult result = masker.maskText(ColumnRef.of(null, "t", "doc", "json"), "{oops", report);
        assertThat(result.outcome()).isEqualTo(CellOutcome.FALLBACK);
        assertThat(result.value()).isEqualTo("\"[INVALID_JSON]\"");
        assertThat(report.snapshot().fallbacks()).singleElement()
                .isEqualTo(new MaskingSummary.Fallback("t.doc", FallbackReason.INVALID_JSON, FallbackAction.REDACT, 1));
    }

    @Test
    void invalidPathsAreConfigurationErrors() {
        assertThatThrownBy(() -> withFields(new FieldRuleConfig("user.email", EntityType.EMAIL, null)))
                .hasMessageContaining("must start with $");
        assertThatThrownBy(() -> withFields(new FieldRuleConfig("$.a[x]", EntityType.EMAIL, null)))
                .hasMessageContaining("[x]");
    }

    /**
     * An array's whole floats are units as its integers are: a card's groups or digits, or an address's bytes, written
     * as floats ({@code [4111.0, 1111.0, 1111.0, 1111.0]}, as pandas and Python write an integer column) ended every
     * run before 2026-12-07 and reached masked callers in clear, held whole and streamed. A fraction still ends a run;
     * coordinates, ids, RGB triples and years written so stay.
     */
    @Test
    void anArraysWholeFloatsAreReadAsUnitsAsItsIntegersAre() {
        Masker masker = new Masker(MaskingProfile.defaults());
        for (String json : List.of("{\"n\": [4111.0, 1111.0, 1111.0, 1111.0]}", "{\"n\": [4111, 1111, 1111, 1111.0]}",
                "{\"n\": [4.0" + ", 1.0".repeat(15) + "]}",
                "{\"n\": [97.0, 100.0, 97.0, 64.0, 101.0, 120.0, 97.0, 109.0, 112.0, 108.0, 101.0, 46.0, 99.0, 111.0, 109.0]}")) {
            String held = masker.json("response.body").mask(json, new MaskingReport());
            String streamed = new String(masker.json("response.body").mask(json.getBytes(StandardCharsets.UTF_8),
                    new MaskingReport()), StandardCharsets.UTF_8);
            for (String out : List.of(held, streamed)) {
                assertThat(out).as(json).doesNotContain("1111").doesNotContain("1.0").doesNotContain("97.0");
            }
        }
        String kept = "{\"xs\": [1.0, 2.0, 3.0, 4.0], \"ys\": [1001.0, 1002.0, 1003.0, 1004.0], \"c\": [0.5, 1.5, 2.0],"
                + " \"rgb\": [255.0, 128.0, 0.0], \"years\": [2019.0, 2020.0, 2021.0, 2022.0], \"f\": [4111.5, 1111.0, 1111.0, 1111.0]}";
        assertThat(masker.json("response.body").mask(kept, new MaskingReport())).isEqualTo(kept);
    }
}
