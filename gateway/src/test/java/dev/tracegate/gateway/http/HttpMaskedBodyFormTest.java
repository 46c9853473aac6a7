package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A masked caller cannot have personal data reach it, or reach the target, in a form the masker
 * does not read: compressed, in a character set that hides ASCII (UTF-16, UTF-32), cut into byte
 * ranges, labelled with two content types, JSON labelled as text, form fields read before they
 * are decoded, or in a response header. Each attack runs against a
 * real HTTP service through the gateway; the unmasked caller's view shows the attack carries the
 * data when nothing stops it.
 */
class HttpMaskedBodyFormTest {

    private static final String POLICY = """
            defaults:
              action: allow
            masking:
              profiles:
                personal-data: {}
            rules:
              - {name: mask-personal-data, connections: [svc, open], exceptGroups: [admins], mask: personal-data}
            """;
    private static final String EMAIL = "ada@example.com";
    private static final String CARD = "4111 1111 1111 1111";
    private static final String JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    /** A key file's body without its header, and a JWT one part a line: text bodies no line of which is a find alone. */
    private static final String KEY_BODY = "id: deploy\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
            + "q3Rk5vXb9ZPQ0lyUcs7Kx2Wf8mNaJ1hT4eGdYoB6iLwSuC+/EzRjVMnA0pHtOgIF\nAB12==\ndone\n";
    private static final String TOKEN_PARTS = JWT_HEADER + "\n"
            + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ\n"
            + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\ndone\n";
    private static final String KEY_FILE = "id: deploy\n-----BEGIN PRIVATE KEY-----\n"
            + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n".repeat(6) + "AB12==\n-----END PRIVATE KEY-----\ndone\n";
    private static final String WRITTEN_TO_BE_READ = "{\"style\": \"a::after { content: 'ada\\\\40 example.com' }\","
            + " \"link\": \"https://shop.example/out?to=ada%252540example.com\","
            + " \"said\": \"card forty-one eleven eleven eleven, eleven eleven eleven eleven\","
            + " \"record\": \"00004111111111111111\", \"label\": \"x4111111111111111\"}";
    private static final String TEXT = "mail " + EMAIL + ", card " + CARD + "\n";
    /** An address cut at its {@code @} and a card's groups in members and elements of one JSON record. */
    private static final String PIECES = "{\"local\": \"ada.lovelace@\", \"id\": 7, \"domain\": \"example.com\","
            + " \"card\": [\"4111 1111\", \"1111 1111\"], \"note\": \"ok\"}";
    /**
     * A value written one unit an element of an array: an address as Node's {@code Buffer.toJSON} writes its bytes, a
     * card's groups as numbers, an address as its characters; beside a list of ids and an RGB triple that stay.
     */
    private static final String UNITS = "{\"type\": \"Buffer\", \"data\": ["
            + String.join(",", EMAIL.chars().mapToObj(Integer::toString).toList()) + "], \"card\": [4111, 1111, 1111, 1111],"
            + " \"chars\": [" + String.join(", ", EMAIL.chars().mapToObj(c -> "\"" + (char) c + "\"").toList())
            + "], \"ids\": [1001, 1002, 1003, 1004], \"rgb\": [255, 128, 0]}";
    /**
     * A value cut across records and chunks of arrays: an address cut at its {@code @} between two records, cut
     * anywhere into an array's elements, a card cut inside its groups, a card's digits one integer an element, an
     * address's bytes in hex without a prefix; beside a list of words and a handle that stay.
     */
    private static final String CHUNKS = "{\"rows\": [{\"e\": \"ada.lovelace@\"}, {\"e\": \"example.com\"}],"
            + " \"x\": [\"ada.\", \"love\", \"lace@\", \"exam\", \"ple.com\"], \"card\": [\"4111 11\", \"11 1111 \", \"1111\"],"
            + " \"digits\": [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], \"hex\": [\"61\", \"64\", \"61\", \"40\", \"65\","
            + " \"78\", \"61\", \"6d\", \"70\", \"6c\", \"65\", \"2e\", \"63\", \"6f\", \"6d\"], \"tags\": [\"New York\", \"@ada\", \"ops\"]}";
    /** An address a line break cuts inside its domain, in a text body; a sentence's end before the next line's word stays. */
    private static final String LINE_BROKEN_CARD = "card:\n4111\n1111\n1111\n1111\nthanks\ncard 4111 11\n11 1111 1111 exp 12/29\n"
            + "took 120\nms 4500\nmail ada.love\nlace@example.com or ada.lovelace\n@example.com\n";
    /** A text line ending in digits and a hyphen: the check for a card's first piece read past its end (2026-12-07). */
    private static final String CSV_CARD = "name,a,b,c,d,status\nada,4111,1111,1111,1111,paid\nids,1001,1002,1003,1004,ok\n";
    private static final String HYPHEN_END = "call 555-\nthen 4111 1111 1111 1111\n";
    private static final String LINE_BROKEN = "contact: ada.lovelace@exam\nple.com\nPrefer EMAIL to username@hostname.\nChange it.\n";
    /**
     * An IBAN and a phone number wrapped at a space between their groups, a link whose full-width {@code @} and no-break
     * spaces are URL-encoded as UTF-8 bytes, and an address cut by a line separator (U+2028), in a text body.
     */
    private static final String WRAPPED = "pay to DE89 3704 0044\n0532 0130 00 by Friday\ncall +44 20 7946\n0958 after six\n"
            + "link https://x.example/u?to=ada%EF%BC%A0example.com\nthanks\n"
            + "note ada.lovelace\u2028@example.com\nthanks\n";
    /** A card's groups one plain group a member of an object, as strings and as numbers, beside a record's other members. */
    private static final String MEMBER_GROUPS = "{\"payment\": {\"a\": \"4111\", \"b\": \"1111\", \"c\": \"1111\", \"d\": \"1111\"},"
            + " \"amex\": {\"g1\": 3782, \"g2\": 822463, \"g3\": 10005}, \"zip\": {\"a\": 8001, \"b\": 8002, \"c\": 8003,"
            + " \"d\": 8004}, \"id\": 7}";
    /**
     * Records whose first piece looks like nothing alone: an address's local part before the member that starts
     * with its {@code @}, a card's first group before its other groups, in members of nested objects too.
     */
    private static final String EARLY_PIECES = "{\"users\": [{\"local\": \"ada.lovelace\", \"domain\":"
            + " \"@example.com\"}, {\"first\": \"4111\", \"rest\": \"1111 1111 1111\"}, {\"u\": {\"l\": \"grace.hopper\"},"
            + " \"v\": {\"d\": \"@example.org\"}}, {\"sku\": \"b-2\", \"tier\": \"gold\"}]}";
    /** Base64 of {@code postgres://app:Tr0ub4dor@db.internal:5432/shop} and of a key's first line, as a Secret holds them. */
    private static final String K8S_URL = "cG9zdGdyZXM6Ly9hcHA6VHIwdWI0ZG9yQGRiLmludGVybmFsOjU0MzIvc2hvcA==";
    /** Base64 of "log level debug, region eu-west-1": a ConfigMap value that decodes to nothing personal. */
    private static final String K8S_SETTING = "bG9nIGxldmVsIGRlYnVnLCByZWdpb24gZXUtd2VzdC0x";
    private static final String K8S_KEY = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcw";
    /** Base64 of a random passphrase: nothing in it a detector finds, only its place in a Secret tells. */
    private static final String K8S_TOKEN = "a0R4cTltWnAzTHc3";
    /** A JSON answer as a target spells it: spacing, an escape, a number's trailing zero (closed by the route). */
    private static final String SPACED = "{\n  \"id\" : 7,\t\"mail\": \"" + EMAIL + "\", \"n\": 1.50, \"caf\\u00e9\": true";
    /**
     * An LLM's answer as a token stream: a card number in two JSON deltas (OpenAI's chunks), then
     * an e-mail address one character per plain-text event; no event holds a value whole.
     */
    private static final String TOKEN_STREAM = tokenStream();
    /** The same as Ollama streams it: one JSON document per line, the answer's text in pieces of {@code response}. */
    private static final String NDJSON_TOKEN_STREAM = ndjsonTokenStream();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path secrets;
    private static UpstreamService upstream;
    private static TestGateway gateway;
    /** The headers of every request that reached a route of this test. */
    private static final List<Map<String, List<String>>> SEEN = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        upstream = new UpstreamService();
        upstream.route("/negotiating", exchange -> {
            // Answers gzip, a byte range or UTF-16 only when asked to, as real services do.
            String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            String range = exchange.getRequestHeaders().getFirst("Range");
            String charset = exchange.getRequestHeaders().getFirst("Accept-Charset");
            Charset written = charset != null && charset.contains("utf-16") ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8;
            byte[] body = TEXT.getBytes(written);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=" + written.name().toLowerCase());
            int status = 200;
            if (range != null && range.startsWith("bytes=")) {
                String[] bounds = range.substring(6).split("-");
                int first = Integer.parseInt(bounds[0]);
                int last = Math.min(Integer.parseInt(bounds[1]), body.length - 1);
                exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
                body = Arrays.copyOfRange(body, first, last + 1);
                status = 206;
            }
            if (encoding != null && encoding.contains("gzip")) {
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                body = gzip(body);
            }
            answer(exchange, status, body);
        });
        upstream.route("/gzipped", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", query(exchange));
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            answer(exchange, 200, gzip(("{\"note\":\"" + TEXT.strip() + "\"}").getBytes(StandardCharsets.UTF_8)));
        });
        upstream.route("/charset", exchange -> {
            String charset = query(exchange);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=" + charset);
            answer(exchange, 200, TEXT.getBytes(Charset.forName(charset)));
        });
        upstream.route("/utf16-unlabelled", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            answer(exchange, 200, ("ok\n" + TEXT).getBytes(StandardCharsets.UTF_16LE));
        });
        upstream.route("/partial", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Content-Range", "bytes 10-34/100");
            answer(exchange, 206, ("\"" + EMAIL + "\"").getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/spaced", exchange -> {
            // ?large: a document over the size the gateway holds whole (ResponseRelay.WHOLE_BYTES).
            String padding = query(exchange) == null ? "" : ",\n  \"rows\": [" + "\"row\", ".repeat(12_000) + "\"end\"]";
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            answer(exchange, 200, (SPACED + padding + " }").getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/keyfile", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            answer(exchange, 200, KEY_FILE.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/keybody", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            answer(exchange, 200, KEY_BODY.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/tokenparts", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            answer(exchange, 200, TOKEN_PARTS.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/pieces", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            answer(exchange, 200, PIECES.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/units", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            answer(exchange, 200, UNITS.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/units-streamed", streamedJson(UNITS));
        upstream.route("/pieces-streamed", streamedJson(EARLY_PIECES));
        upstream.route("/chunks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            answer(exchange, 200, CHUNKS.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/chunks-streamed", streamedJson(CHUNKS));
        upstream.route("/line-broken-card", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            answer(exchange, 200, LINE_BROKEN_CARD.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/csv-card", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/csv; charset=utf-8");
            answer(exchange, 200, CSV_CARD.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/hyphen-end", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            answer(exchange, 200, HYPHEN_END.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/wrapped", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            answer(exchange, 200, WRAPPED.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/line-broken", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            answer(exchange, 200, LINE_BROKEN.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/member-groups", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            answer(exchange, 200, MEMBER_GROUPS.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/member-groups-streamed", streamedJson(MEMBER_GROUPS));
        upstream.route("/written", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            answer(exchange, 200, WRITTEN_TO_BE_READ.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/broken", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            answer(exchange, 200, ("{\"mail\": \"" + EMAIL + "\", \"note\": oops").getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/headers", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Customer-Email", EMAIL);
            exchange.getResponseHeaders().add("Location", "/users/" + EMAIL);
            exchange.getResponseHeaders().add("X-Request-Id", "r-17");
            answer(exchange, 200, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/named-headers", exchange -> {
            // Header names are tokens, and a token may hold digits, dots, hyphens and '%': a debug header named
            // after the customer (as some frameworks name per-user cache or trace headers).
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Card-4111-1111-1111-1111", "on-file");
            exchange.getResponseHeaders().add("X-Seen-ada.lovelace%40example.com", "1");
            exchange.getResponseHeaders().add("Set-Cookie", "seen-4111-1111-1111-1111=1; Path=/");
            exchange.getResponseHeaders().add("X-Request-Id", "r-17");
            answer(exchange, 200, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/labelled", exchange -> {
            // An answer the masker cannot read, labelled with what the target chose: a file's name, a charset, a
            // coding, or the request's own credential echoed into a coding.
            String label = exchange.getRequestURI().getQuery();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            switch (label) {
                case "type" -> exchange.getResponseHeaders().add("Content-Type",
                        "application/pdf; name=\"ada.lovelace@example.com.pdf\"");
                case "charset" -> exchange.getResponseHeaders().add("Content-Type",
                        "application/json; charset=x-ada.lovelace@example.com");
                case "coding" -> exchange.getResponseHeaders().add("Content-Encoding", "x-4111-1111-1111-1111");
                default -> exchange.getResponseHeaders().add("Content-Encoding",
                        authorization == null ? "none" : authorization.replace(' ', '-'));
            }
            if (!label.equals("type") && !label.equals("charset")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            answer(exchange, 200, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/redirect-query", exchange -> {
            // A redirect whose query names its fields: a date of birth no detector finds without its name.
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Location", "/profile?user=7&dob=1985-03-02&next=%2Fhome#top");
            exchange.getResponseHeaders().add("Link", "</profile?birth_date=1985-03-02>; rel=\"canonical\"");
            exchange.getResponseHeaders().add("Refresh", "0; url=/profile?dob=1985-03-02");
            exchange.getResponseHeaders().add("Content-Location", "/p?dob=1985-03-02&bad=%zz");
            answer(exchange, 303, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/transfer-headers", exchange -> {
            // Headers that name the transfer, carrying what a target puts in them: a user's file, a
            // version tag built from the account, a redirect to the user's page.
            exchange.getResponseHeaders().add("Content-Type", "application/json; name=\"" + EMAIL + ".json\"");
            exchange.getResponseHeaders().add("ETag", "W/\"v3:" + EMAIL + "\"");
            exchange.getResponseHeaders().add("Content-Language", "en-GB, card-4111111111111111");
            exchange.getResponseHeaders().add("Server", "accounts/2.1 (" + EMAIL + ")");
            exchange.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"" + EMAIL + ".pdf\"");
            exchange.getResponseHeaders().add("Content-Location", "/users/" + EMAIL + "/export");
            exchange.getResponseHeaders().add("Link", "</users/" + EMAIL + ">; rel=\"canonical\"");
            exchange.getResponseHeaders().add("Warning", "199 - \"stale copy for " + EMAIL + "\"");
            exchange.getResponseHeaders().add("Location", "/users/" + EMAIL);
            answer(exchange, 302, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/plain-transfer-headers", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().add("ETag", "\"33a64df551425fcc55e4d42a148795d9f25f89d4\"");
            exchange.getResponseHeaders().add("Expires", "Wed, 21 Oct 2015 07:28:00 GMT");
            exchange.getResponseHeaders().add("Last-Modified", "Tue, 20 Oct 2015 07:28:00 GMT");
            exchange.getResponseHeaders().add("Cache-Control", "max-age=3600");
            exchange.getResponseHeaders().add("Server", "nginx/1.25.3");
            answer(exchange, 200, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/stream", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            answer(exchange, 200, ("event: step\ndata: {\"step\":1,\"dob\":\"1985-03-02\"}\n\n"
                    + "data:[{\"password\":\"hunter2\"}]\n\ndata: {not json, mail " + EMAIL + "}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/cookies", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Set-Cookie", "sid=first-callers-session; Path=/; HttpOnly");
            exchange.getResponseHeaders().add("Set-Cookie", "user_email=" + EMAIL + "; Path=/");
            exchange.getResponseHeaders().add("Set-Cookie", "last_card=4111111111111111; Path=/");
            exchange.getResponseHeaders().add("Set-Cookie", "session_token=Sk-Tr0ub4dor3xQ9zLmN8pVw7; Path=/; Secure");
            answer(exchange, 200, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/stream-split", exchange -> {
            // How an EventSource reads data the gateway read line by line: one JSON document across
            // two data lines, after two spaces, events ended by CR only, a BOM before the first line.
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            answer(exchange, 200, ("\uFEFFdata: {\"dob\":\"1985-03-01\"}\n\n"
                    + "data: {\"step\":1,\ndata: \"dob\":\"1985-03-02\"}\n\n"
                    + "data:  {\"dob\":\"1985-03-03\"}\n\n"
                    + "data: {\"step\":3}\r\rdata: {\"dob\":\"1985-03-04\"}\r\r"
                    + "id: 5\r\ndata: [{\"password\":\r\n: a comment\r\ndata:\"hunter2\"}]\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/token-stream", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            answer(exchange, 200, TOKEN_STREAM.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/ndjson-token-stream", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
            answer(exchange, 200, NDJSON_TOKEN_STREAM.getBytes(StandardCharsets.UTF_8));
        });
        upstream.route("/k8s/", exchange -> {
            // As a Kubernetes API server writes them: kind and apiVersion first, a list's items without a kind.
            String name = exchange.getRequestURI().getPath().substring("/api/k8s/".length());
            String answer = switch (name) {
                case "secret" -> "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"shop-db\"},"
                        + "\"data\":{\"url\":\"" + K8S_URL + "\",\"ca.crt\":\"" + K8S_KEY + "\"},"
                        + "\"stringData\":{\"conn\":\"Winter-Passphrase-2026\"},\"type\":\"Opaque\"}";
                case "secrets" -> "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"12\"},"
                        + "\"items\":[{\"metadata\":{\"name\":\"shop-db\"},\"data\":{\"url\":\"" + K8S_URL + "\"}},"
                        + "{\"metadata\":{\"name\":\"tls\"},\"data\":{\"ca.crt\":\"" + K8S_KEY + "\"}}]}";
                case "watch" -> "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Secret\",\"apiVersion\":\"v1\","
                        + "\"metadata\":{\"name\":\"shop-db\"},\"data\":{\"url\":\"" + K8S_URL + "\"}}}\n";
                // As kubectl -o json, jq -S and Go's maps write them: keys sorted, kind after data.
                case "sorted" -> "{\"apiVersion\":\"v1\",\"data\":{\"token\":\"" + K8S_TOKEN + "\"},\"kind\":\"Secret\","
                        + "\"metadata\":{\"name\":\"shop-db\"},\"type\":\"Opaque\"}";
                case "sorted-large" -> "{\"apiVersion\":\"v1\",\"data\":{\"a-bundle\":\"" + "QUFB".repeat(20_000)
                        + "\",\"token\":\"" + K8S_TOKEN + "\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"shop-db\"}}";
                case "sorted-list" -> "{\"apiVersion\":\"v1\",\"items\":[{\"apiVersion\":\"v1\",\"data\":{\"token\":\""
                        + K8S_TOKEN + "\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"shop-db\"}}],\"kind\":\"List\"}";
                case "sorted-secretlist" -> "{\"apiVersion\":\"v1\",\"items\":[{\"data\":{\"shop\":\"" + K8S_TOKEN
                        + "\"},\"metadata\":{\"name\":\"shop-db\"},\"type\":\"Opaque\"}],\"kind\":\"SecretList\"}";
                case "sorted-configmap" -> "{\"apiVersion\":\"v1\",\"data\":{\"settings\":\"" + K8S_SETTING
                        + "\"},\"kind\":\"ConfigMap\"}";
                default -> "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"data\":{\"settings\":\"" + K8S_SETTING + "\"}}";
            };
            exchange.getResponseHeaders().add("Content-Type", name.equals("watch") ? "application/json;stream=watch"
                    : "application/json");
            answer(exchange, 200, answer.getBytes(StandardCharsets.UTF_8));
        });
        ConnectionConfig svc = upstream.bearerConnection(secrets, "Upstream-Secret-f00d");
        // The same service without a held credential: what a target may answer compressed (to a credential's
        // target, the gateway asks for no compression and undoes what comes, HttpEchoedCredentialTest).
        ConnectionConfig open = new HttpConnectionConfig("open", upstream.url(), null, List.of());
        gateway = TestGateway.start(List.of(svc, open), POLICY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aMaskedCallerCannotAskTheTargetForACompressedPartialOrUtf16Answer() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/negotiating", TestGateway.ALICE_TOKEN, "Accept-Encoding", "gzip",
                "Range", "bytes=5-19", "Accept-Charset", "utf-16");
        assertThat(masked.statusCode()).isEqualTo(200);
        assertThat(masked.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(text(masked)).contains("[EMAIL]").doesNotContain(EMAIL).doesNotContain(CARD);
        assertThat(SEEN.getLast().keySet()).map(String::toLowerCase)
                .doesNotContain("accept-encoding", "range", "accept-charset");

        // What the headers would have got: the whole e-mail address in one piece of gzip.
        HttpResponse<byte[]> clear = get("/open/negotiating", TestGateway.ADMIN_TOKEN, "Accept-Encoding", "gzip",
                "Range", "bytes=5-19");
        assertThat(clear.statusCode()).isEqualTo(206);
        assertThat(new String(gunzip(clear.body()), StandardCharsets.UTF_8)).isEqualTo(EMAIL);
        // To a target that gets a held credential no caller's Accept-Encoding or Range goes: the answer comes whole.
        HttpResponse<byte[]> credentialed = get("/svc/negotiating", TestGateway.ADMIN_TOKEN, "Accept-Encoding", "gzip",
                "Range", "bytes=5-19");
        assertThat(credentialed.statusCode()).isEqualTo(200);
        assertThat(credentialed.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(credentialed.body(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
    }

    @Test
    void aCompressedAnswerIsRefusedForAMaskedCallerWhateverItsType() throws Exception {
        for (String type : List.of("text/plain", "application/json", "text/event-stream")) {
            for (String connection : List.of("/svc", "/open")) {
                HttpResponse<byte[]> masked = get(connection + "/gzipped?" + type, TestGateway.ALICE_TOKEN);
                assertThat(masked.statusCode()).as(type).isEqualTo(502);
                assertThat(text(masked)).contains("Content-Encoding gzip").contains("cannot be masked")
                        .contains("mask-personal-data");
            }
        }
        HttpResponse<byte[]> clear = get("/open/gzipped?text/plain", TestGateway.ADMIN_TOKEN);
        assertThat(clear.statusCode()).isEqualTo(200);
        assertThat(new String(gunzip(clear.body()), StandardCharsets.UTF_8)).contains(EMAIL);
        // A credential's target: undone by the gateway, which searched it for the credential.
        HttpResponse<byte[]> undone = get("/svc/gzipped?text/plain", TestGateway.ADMIN_TOKEN);
        assertThat(undone.statusCode()).isEqualTo(200);
        assertThat(undone.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(undone.body(), StandardCharsets.UTF_8)).contains(EMAIL);
    }

    @Test
    void textInACharsetThatHidesAsciiIsRefusedAndAsciiCompatibleOnesAreMasked() throws Exception {
        for (String charset : List.of("UTF-16", "UTF-16LE", "UTF-32BE", "IBM037")) {
            HttpResponse<byte[]> masked = get("/svc/charset?" + charset, TestGateway.ALICE_TOKEN);
            assertThat(masked.statusCode()).as(charset).isEqualTo(502);
            assertThat(text(masked)).contains("charset " + charset.toLowerCase()).contains("cannot be masked");
        }
        HttpResponse<byte[]> latin = get("/svc/charset?ISO-8859-1", TestGateway.ALICE_TOKEN);
        assertThat(latin.statusCode()).isEqualTo(200);
        assertThat(text(latin)).contains("[EMAIL]").doesNotContain(EMAIL).doesNotContain(CARD);
        HttpResponse<byte[]> clear = get("/svc/charset?UTF-16LE", TestGateway.ADMIN_TOKEN);
        assertThat(new String(clear.body(), StandardCharsets.UTF_16LE)).isEqualTo(TEXT);
    }

    @Test
    void unlabelledUtf16TextIsWithheldLineByLine() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/utf16-unlabelled", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        String body = new String(masked.body(), StandardCharsets.ISO_8859_1);
        assertThat(body.replace("\0", "")).doesNotContain(EMAIL).doesNotContain("4111").contains("[UNMASKABLE]");
    }

    @Test
    void aPartialAnswerIsRefusedForAMaskedCaller() throws Exception {
        // A lone JSON string cut out of a document has lost the field name its masking rule hangs on.
        HttpResponse<byte[]> masked = get("/svc/partial", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(502);
        assertThat(text(masked)).contains("partial answer").doesNotContain(EMAIL);
        assertThat(get("/svc/partial", TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(206);
    }

    /** Held whole and copied but for what is masked, not written again token by token, and sent with its own length. */
    @Test
    void aMaskedCallersSmallJsonAnswerIsTheTargetsBytesButForWhatIsMaskedAndHasItsLength() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/spaced", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        assertThat(text(masked)).startsWith("{\n  \"id\" : 7,\t\"mail\": \"")
                .endsWith("\", \"n\": 1.50, \"caf\\u00e9\": true }").doesNotContain(EMAIL);
        assertThat(masked.headers().firstValue("Content-Length")).hasValue(Integer.toString(masked.body().length));
        assertThat(masked.headers().firstValue("Transfer-Encoding")).isEmpty();
        assertThat(text(get("/svc/spaced", TestGateway.ADMIN_TOKEN))).isEqualTo(SPACED + " }");
    }

    @Test
    void aMaskedCallersLargeJsonAnswerStillStreamsMasked() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/spaced?large", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        assertThat(masked.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        assertThat(JSON.readTree(masked.body()).path("rows").size()).isEqualTo(12_001);
        assertThat(text(masked)).doesNotContain(EMAIL);
    }

    /** Invalid JSON cannot be masked: the answer breaks off after its status, as it did when it streamed, and the log says why. */
    @Test
    void aMaskedCallersInvalidJsonAnswerIsRefused() throws Exception {
        assertThatThrownBy(() -> get("/svc/broken", TestGateway.ALICE_TOKEN)).isInstanceOf(IOException.class);
        // The result of a refused answer is queued, not awaited: the client learns nothing more from it.
        String refusal = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway.eventsOfType(
                gateway.gateway().evidence(), "command.result").getLast().path("detail").path("error").path("message")
                .asText(), message -> !message.isEmpty());
        assertThat(refusal).startsWith("response refused").contains("invalid JSON").doesNotContain(EMAIL);
        assertThat(text(get("/svc/broken", TestGateway.ADMIN_TOKEN))).contains(EMAIL);
    }

    @Test
    void responseHeadersAreMaskedForAMaskedCallerExceptThoseThatDescribeTheTransfer() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/headers", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        assertThat(masked.headers().map().toString()).doesNotContain(EMAIL);
        assertThat(masked.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/users/"));
        assertThat(masked.headers().firstValue("X-Request-Id")).hasValue("r-17");
        assertThat(masked.headers().firstValue("Content-Type")).hasValue("application/json");
        HttpResponse<byte[]> clear = get("/svc/headers", TestGateway.ADMIN_TOKEN);
        assertThat(clear.headers().firstValue("X-Customer-Email")).hasValue(EMAIL);
    }

    @Test
    void theQueryOfAUrlInAResponseHeaderIsMaskedFieldByField() throws Exception {
        // Each of these reached the masked caller with the date of birth in clear.
        HttpResponse<byte[]> masked = get("/svc/redirect-query", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(303);
        assertThat(masked.headers().map().toString()).doesNotContain("1985-03-02");
        assertThat(masked.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                .startsWith("/profile?user=7&dob=").endsWith("&next=%2Fhome#top"));
        assertThat(masked.headers().firstValue("Link")).hasValueSatisfying(link -> assertThat(link)
                .startsWith("</profile?birth_date=").endsWith(">; rel=\"canonical\""));
        assertThat(masked.headers().firstValue("Refresh")).hasValueSatisfying(refresh -> assertThat(refresh)
                .startsWith("0; url=/profile?dob="));
        assertThat(masked.headers().firstValue("Content-Location")).as("a query it cannot decode does not go").isEmpty();
        HttpResponse<byte[]> clear = get("/svc/redirect-query", TestGateway.ADMIN_TOKEN);
        assertThat(clear.headers().firstValue("Location")).hasValue("/profile?user=7&dob=1985-03-02&next=%2Fhome#top");
    }

    @Test
    void personalDataInAHeaderThatDescribesTheTransferIsMaskedAndAnOrdinaryOneArrivesAsSent() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/transfer-headers", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(302);
        assertThat(masked.headers().map().toString()).doesNotContain(EMAIL).doesNotContain("4111111111111111");
        assertThat(masked.headers().firstValue("ETag")).hasValueSatisfying(tag -> assertThat(tag).startsWith("W/\"v3:"));
        assertThat(masked.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json; name="));
        assertThat(TestGateway.eventsOfType(gateway.gateway().evidence(), "masking.applied").getLast().toString())
                .contains("response.header:etag").contains("response.header:content-language");
        HttpResponse<byte[]> clear = get("/svc/transfer-headers", TestGateway.ADMIN_TOKEN);
        assertThat(clear.headers().firstValue("ETag")).hasValue("W/\"v3:" + EMAIL + "\"");

        // What names the transfer and nothing else arrives as the target sent it, dates read by
        // no name hint (an Expires is not a card's expiry) and a hash not taken for a secret.
        HttpResponse<byte[]> plain = get("/svc/plain-transfer-headers", TestGateway.ALICE_TOKEN);
        assertThat(plain.headers().firstValue("ETag")).hasValue("\"33a64df551425fcc55e4d42a148795d9f25f89d4\"");
        assertThat(plain.headers().firstValue("Expires")).hasValue("Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(plain.headers().firstValue("Last-Modified")).hasValue("Tue, 20 Oct 2015 07:28:00 GMT");
        assertThat(plain.headers().firstValue("Cache-Control")).hasValue("max-age=3600");
        assertThat(plain.headers().firstValue("Server")).hasValue("nginx/1.25.3");
        assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(new String(plain.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
    }

    @Test
    void aRequestBodyTheMaskerWouldMisreadIsRefusedAndNeverReachesTheTarget() throws Exception {
        int before = upstream.received.size();
        List<HttpRequest> attempts = List.of(
                post("text/plain", gzip(TEXT.getBytes(StandardCharsets.UTF_8)), TestGateway.ALICE_TOKEN,
                        "Content-Encoding", "gzip"),
                post("text/plain; charset=utf-16", TEXT.getBytes(StandardCharsets.UTF_16), TestGateway.ALICE_TOKEN),
                post("text/plain", TEXT.getBytes(StandardCharsets.UTF_8), TestGateway.ALICE_TOKEN,
                        "Content-Type", "application/json"),
                post("text/plain, application/json", TEXT.getBytes(StandardCharsets.UTF_8), TestGateway.ALICE_TOKEN));
        for (HttpRequest attempt : attempts) {
            HttpResponse<String> refused = CLIENT.send(attempt, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(attempt.headers().toString()).isEqualTo(415);
            assertThat(refused.body()).contains("cannot be masked");
        }
        // A JSON POST in UTF-32 is refused before the masker reads it: under the high-risk default, the policy
        // cannot read the _method a target decoding that charset (Express's body-parser) would find in it.
        HttpResponse<String> utf32 = CLIENT.send(post("application/json; charset=\"UTF-32\"", ("{\"n\":\""
                + TEXT.strip() + "\"}").getBytes(Charset.forName("UTF-32")), TestGateway.ALICE_TOKEN),
                HttpResponse.BodyHandlers.ofString());
        assertThat(utf32.statusCode()).isEqualTo(403);
        assertThat(utf32.body()).contains("charset utf-32");
        assertThat(upstream.received.size()).isEqualTo(before);

        HttpResponse<byte[]> clear = CLIENT.send(post("text/plain", gzip(TEXT.getBytes(StandardCharsets.UTF_8)),
                TestGateway.ADMIN_TOKEN, "Content-Encoding", "gzip"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(clear.statusCode()).isEqualTo(200);
        assertThat(new String(gunzip(upstream.received.getLast().body()), StandardCharsets.UTF_8)).isEqualTo(TEXT);
    }

    /**
     * Values written as a reader reads them but no detector did before 2026-12-06, in a JSON body's strings and
     * echoed back: a CSS escape of the {@code @}, an address URL-encoded twice in a link, a card number read out in
     * pairs, one padded with zeros to a field's width and one glued to a label. Neither the target nor the caller
     * sees them.
     */
    @Test
    void valuesWrittenToBeReadAreMaskedInAJsonBodyBothWays() throws Exception {
        for (String seen : sentAndAnswered("application/json", WRITTEN_TO_BE_READ, "/svc/written")) {
            assertThat(seen).doesNotContain("ada").doesNotContain("forty").doesNotContain("4111111111111111")
                    .containsPattern("\"record\": ?\"\\[CARD]\"").containsPattern("\"label\": ?\"x\\[CARD]\"");
        }
    }

    /**
     * One value's pieces in the members and elements of one JSON record, each scanned alone: before 2026-12-07
     * {@code {"local": "ada.lovelace@", "domain": "example.com"}} and a card's groups as an array's strings reached the
     * target and the caller in clear. Every piece is masked, the record's other values stay.
     */
    @Test
    void oneValuesPiecesInTheMembersOfAJsonBodyAreMaskedBothWays() throws Exception {
        for (String seen : sentAndAnswered("application/json", PIECES, "/svc/pieces")) {
            assertThat(seen.replace(" ", "")).isEqualTo("{\"local\":\"[EMAIL]\",\"id\":7,\"domain\":\"[EMAIL]\","
                    + "\"card\":[\"[CARD]\",\"[CARD]\"],\"note\":\"ok\"}");
        }
    }

    /**
     * A value written one unit an element of a JSON array (Node's {@code Buffer.toJSON}, a card's groups as numbers,
     * an address's characters): no element is anything alone, so before 2026-12-07 each reached the target and the
     * caller in clear, held whole and streamed. Every element of each is masked; the ids and the RGB triple stay.
     */
    @Test
    void aValueWrittenOneUnitAnElementOfAJsonArrayIsMaskedBothWaysAndStreamed() throws Exception {
        for (String body : sentAnsweredAndStreamed(UNITS, "units")) {
            String compact = body.replace(" ", "");
            assertThat(compact).doesNotContain("97,100,97").doesNotContain("4111").doesNotContain("\"@\"")
                    .contains("\"card\":[\"[CARD]\",\"[CARD]\",\"[CARD]\",\"[CARD]\"]").contains("\"data\":[\"[EMAIL]\"")
                    .contains("\"chars\":[\"[EMAIL]\"").endsWith("\"ids\":[1001,1002,1003,1004],\"rgb\":[255,128,0]}");
        }
    }

    /**
     * A value cut across the records of a JSON array or into chunks of an array's elements: before 2026-12-07 the local
     * part before the next record's domain, the chunks but the one holding the {@code @}, a card cut inside its groups,
     * a card's digits as integers and an address's bytes in hex without a prefix reached the target and the caller in
     * clear, held whole and streamed. Each is masked; the domain alone, the words and the handle stay.
     */
    @Test
    void aValueCutAcrossRecordsOrIntoChunksOfAJsonArrayIsMaskedBothWaysAndStreamed() throws Exception {
        for (String body : sentAnsweredAndStreamed(CHUNKS, "chunks")) {
            assertThat(body.replace(" ", "")).isEqualTo("{\"rows\":[{\"e\":\"[EMAIL]\"},{\"e\":\"example.com\"}],"
                    + "\"x\":[" + "\"[EMAIL]\",".repeat(4) + "\"[EMAIL]\"],\"card\":[\"[CARD]\",\"[CARD]\",\"[CARD]\"],"
                    + "\"digits\":[" + "\"[CARD]\",".repeat(15) + "\"[CARD]\"],\"hex\":[" + "\"[EMAIL]\",".repeat(14)
                    + "\"[EMAIL]\"],\"tags\":[\"NewYork\",\"@ada\",\"ops\"]}");
        }
    }

    /**
     * An address a line break cuts inside its domain in a text body: until 2026-12-07 each line was read alone and both
     * halves reached the target and the caller in clear. Each half is masked; the prose after it stays.
     */
    @Test
    void anAddressCutInItsDomainByALineBreakInATextBodyIsMaskedBothWays() throws Exception {
        assertThat(sentAndAnswered("text/plain", LINE_BROKEN, "/svc/line-broken"))
                .containsOnly("contact: [EMAIL]\n[EMAIL]\nPrefer EMAIL to username@hostname.\nChange it.\n");
    }

    /**
     * An IBAN and a phone number a line break cuts between their groups, a link whose characters other than ASCII are
     * URL-encoded as UTF-8 bytes ({@code %EF%BC%A0}, a full-width {@code @}; {@code %C2%A0}, a no-break space), and an
     * address cut by a line separator, in a text body: until 2026-12-07 each reached the target and the caller in clear
     * (each line's groups were read alone, only ASCII was URL-decoded, U+2028 read as a symbol). Each is masked; the
     * prose around them stays.
     */
    @Test
    void aWrappedIbanOrPhoneAnEncodedLinkAndALineSeparatedAddressInATextBodyAreMaskedBothWays() throws Exception {
        for (String seen : sentAndAnswered("text/plain", WRAPPED, "/svc/wrapped")) {
            assertThat(seen).startsWith("pay to [IBAN]\n[IBAN] by Friday\ncall [PHONE]\n[PHONE] after six\n")
                    .endsWith("thanks\n").doesNotContain("ada").doesNotContain("lovelace");
        }
    }

    /**
     * A card's groups one a line, or cut inside a group by a line break, and an address cut in its local part or at its
     * {@code @} by one, in a text body: until 2026-12-07 each line was read alone and the card's pieces and the
     * address's first half reached the target and the caller in clear. Each piece is masked; numbers one a line that
     * make no card stay.
     */
    @Test
    void aCardOrAnAddressCutByLineBreaksInATextBodyIsMaskedBothWays() throws Exception {
        assertThat(sentAndAnswered("text/plain", LINE_BROKEN_CARD, "/svc/line-broken-card")).containsOnly(
                "card:\n[CARD]\n[CARD]\n[CARD]\n[CARD]\nthanks\ncard [CARD]\n[CARD] exp 12/29\ntook 120\nms 4500\n"
                + "mail [EMAIL]\n[EMAIL] or [EMAIL]\n[EMAIL]\n");
    }

    /**
     * A card cut by a line break where a turn of held lines ends: lines that each end in digits are held together up to
     * 4 KB and then read in turns, and until 2026-12-07 a card whose first piece ended the turn ({@code card 4111 1111},
     * then {@code 1111 1111 ok}) reached the target and the caller in clear but for nothing: neither half was read with
     * the other. Every padding from just before to just past the bound is tried, so one of them cuts at the turn; the
     * last lines of a turn are now carried into the next one. The padding stays as it was.
     */
    @Test
    void aCardCutWhereATurnOfHeldLinesEndsIsMaskedBothWays() throws Exception {
        for (int padding = 575; padding <= 595; padding++) {
            String body = "n 1234\n".repeat(padding) + "card 4111 1111\n1111 1111 ok\n";
            HttpResponse<String> sent = CLIENT.send(post("text/plain", body.getBytes(StandardCharsets.UTF_8), TestGateway.ALICE_TOKEN),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sent.statusCode()).isEqualTo(200);
            for (String masked : List.of(upstream.received.getLast().text(), sent.body())) {
                assertThat(masked).as("padding %d", padding).isEqualTo("n 1234\n".repeat(padding) + "card [CARD]\n[CARD] ok\n");
            }
        }
    }

    /**
     * A card's plain groups as the fields of a CSV line ({@code ada,4111,1111,1111,1111,paid}): until 2026-12-07 the
     * detectors read a card's groups apart by spaces, hyphens, dots, underscores or slashes only, and a CSV body reached
     * the target and the caller in clear. Each field is masked; a row of ids stays.
     */
    @Test
    void aCardsGroupsAsTheFieldsOfACsvLineAreMaskedBothWays() throws Exception {
        assertThat(sentAndAnswered("text/csv", CSV_CARD, "/svc/csv-card"))
                .containsOnly("name,a,b,c,d,status\nada,[CARD],[CARD],[CARD],[CARD],paid\nids,1001,1002,1003,1004,ok\n");
    }

    /**
     * A text line that ends in digits and a hyphen ({@code call 555-}): until 2026-12-07 the look at whether it ends
     * with a card's first piece read past its end, and the masked caller's request and answer failed. Both pass, masked.
     */
    @Test
    void aTextLineEndingInDigitsAndAHyphenIsMaskedBothWays() throws Exception {
        assertThat(sentAndAnswered("text/plain", HYPHEN_END, "/svc/hyphen-end")).containsOnly("call 555-\nthen [CARD]\n");
    }

    /**
     * A card's groups one plain group a member of an object (a form keeping a card in four fields), as strings and as
     * numbers: no member is anything alone, so before 2026-12-07 each reached the target and the caller in clear, held
     * whole and streamed. Every group is masked; the postcodes and the id stay.
     */
    @Test
    void aCardsGroupsOneAMemberOfAJsonObjectAreMaskedBothWaysAndStreamed() throws Exception {
        for (String body : sentAnsweredAndStreamed(MEMBER_GROUPS, "member-groups")) {
            assertThat(body.replace(" ", "")).isEqualTo("{\"payment\":{\"a\":\"[CARD]\",\"b\":\"[CARD]\",\"c\":\"[CARD]\","
                    + "\"d\":\"[CARD]\"},\"amex\":{\"g1\":\"[CARD]\",\"g2\":\"[CARD]\",\"g3\":\"[CARD]\"},"
                    + "\"zip\":{\"a\":8001,\"b\":8002,\"c\":8003,\"d\":8004},\"id\":7}");
        }
    }

    /**
     * A streamed JSON answer whose record shows its first piece only after a member that looks like nothing alone:
     * until 2026-12-07 the stream held its output from the first possible piece on, so the member before it had
     * been written, in clear ({@code ada.lovelace} of {@code ada.lovelace} and {@code @example.com}).
     */
    @Test
    void aStreamedJsonRecordsPieceBeforeItsFirstPossiblePieceIsMaskedToo() throws Exception {
        assertThat(text(get("/svc/pieces-streamed", TestGateway.ADMIN_TOKEN))).isEqualTo(EARLY_PIECES);
        String masked = text(get("/svc/pieces-streamed", TestGateway.ALICE_TOKEN));
        assertThat(masked.replace(" ", "")).isEqualTo("{\"users\":[{\"local\":\"[EMAIL]\",\"domain\":\"[EMAIL]\"},"
                + "{\"first\":\"[CARD]\",\"rest\":\"[CARD]\"},{\"u\":{\"l\":\"[EMAIL]\"},\"v\":{\"d\":\"[EMAIL]\"}},"
                + "{\"sku\":\"b-2\",\"tier\":\"gold\"}]}");
    }

    /**
     * A private key in a text body ({@code GET} of a key file, a deploy key posted to a service) is masked line by
     * line, as text bodies are: before 2026-12-06 its header line was masked and every line of the key after it
     * reached the target and the caller in clear. The lines after the header are the key's through its END line.
     */
    @Test
    void aPrivateKeyInATextBodyIsMaskedOnEveryLineBothWays() throws Exception {
        assertThat(sentAndAnswered("text/plain", KEY_FILE, "/svc/keyfile"))
                .containsOnly("id: deploy\n" + "[SECRET]\n".repeat(9) + "done\n");
    }

    /**
     * A key file's body without its header and a JWT one part a line, in a text body: no line is a find alone, so
     * before 2026-12-06 both reached the target and the caller in clear. The key's lines are masked from its first,
     * whose DER is a private key's; the token's parts after its header through the signature.
     */
    @Test
    void aKeysBodyWithoutItsHeaderAndAJwtOnePartALineAreMaskedBothWays() throws Exception {
        assertThat(sentAndAnswered("text/plain", KEY_BODY, "/svc/keybody"))
                .containsOnly("id: deploy\n" + "[SECRET]\n".repeat(3) + "done\n");
        assertThat(sentAndAnswered("text/plain", TOKEN_PARTS, "/svc/tokenparts"))
                .containsOnly(JWT_HEADER + "\n[SECRET]\n[SECRET]\ndone\n");
    }

    /**
     * {@code body} as the target receives it from Alice (masked) and as Alice reads the target's answer at {@code
     * path}, which answers {@code body}: the admin (exempt) reads it as it is.
     */
    /** A route answering {@code json} without a length: the answer is masked as it streams, not held whole. */
    private static HttpHandler streamedJson(String json) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /**
     * What the target and a masked caller see of the JSON {@code body}: posted, answered whole from {@code /svc/<route>},
     * and answered streamed from {@code /svc/<route>-streamed} (which an unmasked caller reads as it was sent).
     */
    private static List<String> sentAnsweredAndStreamed(String body, String route) throws Exception {
        List<String> seen = new java.util.ArrayList<>(sentAndAnswered("application/json", body, "/svc/" + route));
        assertThat(text(get("/svc/" + route + "-streamed", TestGateway.ADMIN_TOKEN))).isEqualTo(body);
        seen.add(text(get("/svc/" + route + "-streamed", TestGateway.ALICE_TOKEN)));
        return seen;
    }

    private static List<String> sentAndAnswered(String type, String body, String path) throws Exception {
        HttpResponse<String> sent = CLIENT.send(post(type, body.getBytes(StandardCharsets.UTF_8), TestGateway.ALICE_TOKEN),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(200);
        String received = upstream.received.getLast().text();
        HttpResponse<byte[]> answered = get(path, TestGateway.ALICE_TOKEN);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(text(get(path, TestGateway.ADMIN_TOKEN))).isEqualTo(body);
        return List.of(received, text(answered));
    }

    @Test
    void jsonLabelledAsTextIsMaskedAsJsonAndTextThatOnlyStartsLikeItAsText() throws Exception {
        // A service that parses any body as JSON would store the date of birth its field name protects.
        String json = "\n  {\"dob\": \"1985-03-02\",\n   \"contact\": {\"email\": \"" + EMAIL + "\"}}\n";
        HttpResponse<String> sent = CLIENT.send(post("text/plain", json.getBytes(StandardCharsets.UTF_8),
                TestGateway.ALICE_TOKEN), HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(200);
        String stored = upstream.received.getLast().text();
        assertThat(stored).contains("\"dob\":\"[DATE_OF_BIRTH]\"").doesNotContain("1985").doesNotContain(EMAIL);
        assertThat(sent.body()).doesNotContain("1985").doesNotContain(EMAIL);

        // After a UTF-8 byte order mark, which readers decoding with it (Python's requests, .NET) drop
        // before they parse: the birth dates reached the target and the caller in clear.
        for (String marked : List.of("\uFEFF{\"dob\": \"1985-03-02\"}", "\uFEFF\n{\n  \"dob\": \"1985-03-02\"\n}\n")) {
            HttpResponse<String> echoed = CLIENT.send(post("text/plain", marked.getBytes(StandardCharsets.UTF_8),
                    TestGateway.ALICE_TOKEN), HttpResponse.BodyHandlers.ofString());
            assertThat(echoed.statusCode()).isEqualTo(200);
            assertThat(upstream.received.getLast().text()).startsWith("\uFEFF").contains("[DATE_OF_BIRTH]")
                    .doesNotContain("1985");
            assertThat(echoed.body()).startsWith("\uFEFF").doesNotContain("1985");
        }

        String log = "[INFO] started\nmail " + EMAIL + "\n";
        CLIENT.send(post("text/plain", log.getBytes(StandardCharsets.UTF_8), TestGateway.ALICE_TOKEN),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upstream.received.getLast().text()).isEqualTo("[INFO] started\nmail [EMAIL]\n");

        int before = upstream.received.size();
        byte[] large = ("{\"dob\":\"1985-03-02\",\"pad\":\"" + "x".repeat(BodyMasking.JSON_IN_TEXT_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> refused = CLIENT.send(post("text/plain", large, TestGateway.ALICE_TOKEN),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("cannot be told from JSON");
        assertThat(upstream.received.size()).isEqualTo(before);
    }

    @Test
    void aFormIsMaskedFieldByFieldAsTheTargetDecodesItForTheCallerAndForTheRecord() throws Exception {
        String form = "name=Ada&card=4111+1111+1111+1111&email=ada%40example%2Ecom&dob=1985-03-02"
                + "&phone=%2B44+20+7946+0123&note=call+me+at+home";
        HttpResponse<String> sent = CLIENT.send(post("application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8), TestGateway.ALICE_TOKEN), HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(200);
        String stored = java.net.URLDecoder.decode(upstream.received.getLast().text(), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("name=Ada&").endsWith("&note=call me at home").doesNotContain("4111")
                .doesNotContain(EMAIL).doesNotContain("1985").doesNotContain("7946");

        // A caller who sees clear text: the target gets the form as sent, the evidence keeps it masked.
        HttpResponse<String> clear = CLIENT.send(post("application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8), TestGateway.ADMIN_TOKEN), HttpResponse.BodyHandlers.ofString());
        assertThat(clear.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().text()).isEqualTo(form);
        String digest = TestGateway.eventsOfType(gateway.gateway().evidence(), "command.result").getLast()
                .path("detail").path("request_data").path("blob").asText();
        String recorded = java.net.URLDecoder.decode(new String(gateway.gateway().evidence().blobs().get(digest)
                .orElseThrow(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(recorded).startsWith("name=Ada&").doesNotContain("4111").doesNotContain(EMAIL)
                .doesNotContain("1985").doesNotContain("7946");

        int before = upstream.received.size();
        HttpResponse<String> malformed = CLIENT.send(post("application/x-www-form-urlencoded",
                "a=%zz&card=4111+1111+1111+1111".getBytes(StandardCharsets.UTF_8), TestGateway.ALICE_TOKEN),
                HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed percent-encoding");
        assertThat(upstream.received.size()).isEqualTo(before);
    }

    @Test
    void personalDataInAHeadersNameReachesNeitherTheMaskedCallerNorTheTarget() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/named-headers", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        assertThat(masked.headers().map().toString()).doesNotContain("4111").doesNotContain("lovelace");
        assertThat(masked.headers().firstValue("X-Request-Id")).hasValue("r-17");
        HttpResponse<byte[]> clear = get("/svc/named-headers", TestGateway.ADMIN_TOKEN);
        assertThat(clear.headers().map().keySet().toString()).containsIgnoringCase("X-Card-4111-1111-1111-1111");
        assertThat(clear.headers().allValues("Set-Cookie").toString()).contains("seen-4111-1111-1111-1111=1");

        assertThat(get("/svc/notes/7", TestGateway.ALICE_TOKEN, "X-Card-4111-1111-1111-1111", "on-file",
                "X-Seen-ada.lovelace%40example.com", "1", "X-Request-Id", "r-18").statusCode()).isEqualTo(200);
        UpstreamService.Received stored = upstream.received.getLast();
        assertThat(stored.headers().keySet().toString()).doesNotContain("4111").doesNotContain("lovelace");
        assertThat(header(stored, "X-Request-Id")).isEqualTo("r-18");
        assertThat(TestGateway.eventsOfType(gateway.gateway().evidence(), "masking.applied").getLast().toString())
                .contains("request.header-name");
        assertThat(get("/svc/notes/7", TestGateway.ADMIN_TOKEN, "X-Card-4111-1111-1111-1111", "on-file").statusCode())
                .isEqualTo(200);
        assertThat(upstream.received.getLast().headers().keySet().toString()).containsIgnoringCase("4111-1111");
        // The evidence keeps such a name masked, for every caller (it kept it as sent).
        assertThat(TestGateway.eventsOfType(gateway.gateway().evidence(), "command").getLast().toString())
                .contains("x-card-").doesNotContain("4111-1111");
    }

    @Test
    void aRefusalNamesNoPersonalDataOrCredentialTheTargetPutInTheAnswersLabels() throws Exception {
        // The 502 quoted the target's Content-Type, charset or Content-Encoding as written, to the masked caller.
        for (String label : List.of("type", "charset", "coding")) {
            HttpResponse<byte[]> refused = get("/svc/labelled?" + label, TestGateway.ALICE_TOKEN);
            assertThat(refused.statusCode()).as(label).isEqualTo(502);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).as(label).doesNotContain("lovelace")
                    .doesNotContain("4111-1111").contains("cannot be masked");
        }
        // A coding the gateway cannot undo is refused to every caller of a credential's target, naming the coding:
        // the held credential, echoed into it, was in the refusal.
        HttpResponse<byte[]> echoed = get("/svc/labelled?credential", TestGateway.ADMIN_TOKEN);
        assertThat(echoed.statusCode()).isEqualTo(502);
        assertThat(new String(echoed.body(), StandardCharsets.UTF_8)).doesNotContain("Upstream-Secret-f00d")
                .contains("Content-Encoding");
    }

    @Test
    void aMaskedCallersPathQueryAndHeadersReachTheTargetMasked() throws Exception {
        String path = "/svc/notes/ada%40example.com?text=card+4111+1111+1111+1111&dob=1985-03-02&page=2";
        HttpResponse<byte[]> masked = get(path, TestGateway.ALICE_TOKEN, "X-Customer-Email", EMAIL,
                "X-Note", "call +44 20 7946 0123", "X-Request-Id", "r-17");
        assertThat(masked.statusCode()).isEqualTo(200);
        UpstreamService.Received stored = upstream.received.getLast();
        String line = java.net.URLDecoder.decode(stored.path(), StandardCharsets.UTF_8);
        assertThat(line).startsWith("/api/notes/").endsWith("&page=2").doesNotContain(EMAIL).doesNotContain("4111")
                .doesNotContain("1985").doesNotContain("@");
        assertThat(header(stored, "X-Customer-Email")).doesNotContain(EMAIL);
        assertThat(header(stored, "X-Note")).startsWith("call ").doesNotContain("7946");
        assertThat(header(stored, "X-Request-Id")).isEqualTo("r-17");
        assertThat(TestGateway.eventsOfType(gateway.gateway().evidence(), "masking.applied").getLast().toString())
                .contains("request.path").contains("request.query:$.dob").contains("request.header:x-customer-email");

        // A caller who sees clear text: the target gets the request as sent.
        assertThat(get(path, TestGateway.ADMIN_TOKEN, "X-Customer-Email", EMAIL).statusCode()).isEqualTo(200);
        assertThat(upstream.received.getLast().path())
                .isEqualTo("/api/notes/ada%40example.com?text=card+4111+1111+1111+1111&dob=1985-03-02&page=2");
        assertThat(header(upstream.received.getLast(), "X-Customer-Email")).isEqualTo(EMAIL);

        // An escape the masker cannot read never reaches the target.
        int before = upstream.received.size();
        for (String target : List.of("/svc/notes/x?a=%zz&card=4111+1111+1111+1111", "/svc/notes/%zz%41")) {
            String malformed = RawHttp.send(gateway.gateway().httpPort(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + TestGateway.ALICE_TOKEN + "\r\nConnection: close\r\n\r\n");
            assertThat(malformed).startsWith("HTTP/1.1 400");
        }
        assertThat(upstream.received.size()).isEqualTo(before);
        String unmasked = RawHttp.send(gateway.gateway().httpPort(), "GET /svc/notes/x?a=%zz HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + TestGateway.ADMIN_TOKEN + "\r\nConnection: close\r\n\r\n");
        assertThat(unmasked).startsWith("HTTP/1.1 400").contains("malformed percent-encoding");
    }

    @Test
    void aMaskedCallersHeadersThatDescribeTheTransferReachTheTargetMaskedAndOrdinaryOnesAsSent() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/notes/x", TestGateway.ALICE_TOKEN,
                "User-Agent", "crawler/1.0 (+mailto:" + EMAIL + ")", "If-None-Match", "W/\"v3:" + EMAIL + "\"",
                "Accept", "application/json", "If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(masked.statusCode()).isEqualTo(200);
        UpstreamService.Received stored = upstream.received.getLast();
        assertThat(stored.headers().toString()).doesNotContain(EMAIL);
        assertThat(header(stored, "User-Agent")).startsWith("crawler/1.0 (+mailto:");
        assertThat(header(stored, "If-None-Match")).startsWith("W/\"v3:");
        assertThat(header(stored, "Accept")).isEqualTo("application/json");
        assertThat(header(stored, "If-Modified-Since")).isEqualTo("Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(TestGateway.eventsOfType(gateway.gateway().evidence(), "masking.applied").getLast().toString())
                .contains("request.header:user-agent").contains("request.header:if-none-match");

        get("/svc/notes/x", TestGateway.ADMIN_TOKEN, "User-Agent", "crawler/1.0 (+mailto:" + EMAIL + ")");
        assertThat(header(upstream.received.getLast(), "User-Agent")).isEqualTo("crawler/1.0 (+mailto:" + EMAIL + ")");
    }

    private static String header(UpstreamService.Received request, String name) {
        return request.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
    }

    @Test
    void anEventStreamsJsonDataIsMaskedAsJson() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/stream", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        assertThat(text(masked)).isEqualTo("event: step\ndata: {\"step\":1,\"dob\":\"[DATE_OF_BIRTH]\"}\n\n"
                + "data:[{\"password\":\"[SECRET]\"}]\n\ndata: {not json, mail [EMAIL]}\n\n");
    }

    @Test
    void aKubernetesSecretFromTheApiServerIsMaskedForTheCallerAndTheRecord() throws Exception {
        // The API server writes a Secret's kind before its data, so the JSON walk knows what the
        // data is when it reaches it; its base64 values have no shape a detector finds.
        for (String name : List.of("secret", "secrets", "watch")) {
            String clear = text(get("/svc/k8s/" + name, TestGateway.ADMIN_TOKEN));
            assertThat(clear).as(name).contains(K8S_URL);
            assertThat(recordedData()).as(name).contains("shop-db").doesNotContain(K8S_URL).doesNotContain(K8S_KEY)
                    .doesNotContain("Winter-Passphrase-2026");
            HttpResponse<byte[]> masked = get("/svc/k8s/" + name, TestGateway.ALICE_TOKEN);
            assertThat(masked.statusCode()).as(name).isEqualTo(200);
            assertThat(text(masked)).as(name).contains("shop-db").contains("[SECRET]").doesNotContain(K8S_URL)
                    .doesNotContain(K8S_KEY).doesNotContain("Winter-Passphrase-2026");
        }
        // Another kind's data is no credential by its place alone.
        assertThat(text(get("/svc/k8s/configmap", TestGateway.ALICE_TOKEN))).contains(K8S_SETTING);
    }

    @Test
    void aKubernetesSecretWhoseKindComesAfterItsDataIsMaskedHeldWholeOrStreamed() throws Exception {
        // kubectl, jq -S and Go write keys sorted: the walk had written the data before the kind
        // told it was a Secret's, and the token reached the masked caller, small or streamed.
        // A SecretList's items state no kind, and sorted, its own kind comes after them.
        for (String name : List.of("sorted", "sorted-large", "sorted-list", "sorted-secretlist")) {
            assertThat(text(get("/svc/k8s/" + name, TestGateway.ADMIN_TOKEN))).as(name).contains(K8S_TOKEN);
            assertThat(recordedData()).as(name).doesNotContain(K8S_TOKEN);
            HttpResponse<byte[]> masked = get("/svc/k8s/" + name, TestGateway.ALICE_TOKEN);
            assertThat(masked.statusCode()).as(name).isEqualTo(200);
            assertThat(text(masked)).as(name).contains("shop-db").contains("[SECRET]").doesNotContain(K8S_TOKEN);
        }
        // A document held whole that names no Secret keeps a sorted ConfigMap's data.
        assertThat(text(get("/svc/k8s/sorted-configmap", TestGateway.ALICE_TOKEN))).contains(K8S_SETTING);
    }

    /** The response body the evidence kept for the last request. */
    private static String recordedData() throws IOException {
        String digest = TestGateway.eventsOfType(gateway.gateway().evidence(), "command.result").getLast()
                .path("detail").path("data").path("blob").asText();
        return new String(gateway.gateway().evidence().blobs().get(digest).orElseThrow(), StandardCharsets.UTF_8);
    }

    @Test
    void aCookieHoldingPersonalDataIsMaskedAndTheCallersSessionIsKept() throws Exception {
        HttpResponse<byte[]> masked = get("/svc/cookies", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        List<String> cookies = masked.headers().allValues("Set-Cookie");
        assertThat(cookies).hasSize(4);
        assertThat(String.join("\n", cookies)).doesNotContain(EMAIL).doesNotContain("4111111111111111");
        // A session's cookie is the caller's own, and masked it would end the session.
        assertThat(cookies).contains("sid=first-callers-session; Path=/; HttpOnly",
                "session_token=Sk-Tr0ub4dor3xQ9zLmN8pVw7; Path=/; Secure");
        assertThat(get("/svc/cookies", TestGateway.ADMIN_TOKEN).headers().allValues("Set-Cookie"))
                .contains("user_email=" + EMAIL + "; Path=/");
    }

    @Test
    void anEventStreamIsMaskedAsAnEventSourceReadsItsData() throws Exception {
        HttpResponse<byte[]> clear = get("/svc/stream-split", TestGateway.ADMIN_TOKEN);
        List<String> clearData = eventData(text(clear));
        assertThat(clearData).hasSize(6);
        assertThat(String.join("\n", clearData)).contains("1985-03-01", "1985-03-02", "1985-03-03", "1985-03-04", "hunter2");

        HttpResponse<byte[]> masked = get("/svc/stream-split", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        List<String> data = eventData(text(masked));
        assertThat(data).hasSize(6);
        for (String each : data) {
            assertThat(each).doesNotContain("1985").doesNotContain("hunter2");
            assertThat(JSON.readTree(each).isContainerNode()).as(each).isTrue(); // still one JSON document
        }
        assertThat(data.get(1)).contains("\"step\":1").contains("[DATE_OF_BIRTH]");
    }

    @Test
    void aValueSplitAcrossTheEventsOfATokenStreamIsMaskedInTheTextItsReaderJoins() throws Exception {
        HttpResponse<byte[]> clear = get("/svc/token-stream", TestGateway.ADMIN_TOKEN);
        List<String> clearData = eventData(text(clear));
        assertThat(joinedTokens(clearData)).contains(CARD).contains(EMAIL);
        for (String each : clearData) {
            assertThat(each).doesNotContain(CARD).doesNotContain(EMAIL); // no event holds a value whole
        }
        assertThat(recordedData()).doesNotContain("4111").doesNotContain("1111 1111").doesNotContain(EMAIL);

        HttpResponse<byte[]> masked = get("/svc/token-stream", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        List<String> data = eventData(text(masked));
        assertThat(data).hasSameSizeAs(clearData); // every event still comes, in its own form
        assertThat(joinedTokens(data)).isEqualTo("Your card is [CARD], thanks. Mail [EMAIL] today");
        assertThat(data.getFirst()).contains("\"id\":\"chatcmpl-9f2\"").contains("\"content\":\"Your card is [CARD]\"");
        assertThat(data.get(1)).contains("\"content\":\"\"");
    }

    @Test
    void aValueSplitAcrossTheLinesOfAnNdjsonTokenStreamIsMaskedInTheTextItsReaderJoins() throws Exception {
        HttpResponse<byte[]> clear = get("/svc/ndjson-token-stream", TestGateway.ADMIN_TOKEN);
        assertThat(ndjsonResponses(text(clear))).contains(CARD).contains(EMAIL);
        assertThat(text(clear)).doesNotContain(CARD).doesNotContain(EMAIL); // no line holds a value whole
        assertThat(ndjsonResponses(recordedData())).doesNotContain(CARD).doesNotContain(EMAIL).contains("[CARD]");

        HttpResponse<byte[]> masked = get("/svc/ndjson-token-stream", TestGateway.ALICE_TOKEN);
        assertThat(masked.statusCode()).isEqualTo(200);
        assertThat(text(masked).split("\n")).hasSameSizeAs(text(clear).split("\n"));
        assertThat(ndjsonResponses(text(masked))).isEqualTo("Your card is [CARD], mail [EMAIL] today");
        assertThat(text(masked)).contains("\"created_at\":\"2024-08-04T08:52:19.3854Z\"");
    }

    private static String ndjsonTokenStream() {
        StringBuilder stream = new StringBuilder();
        List<String> tokens = List.of("Your", " card", " is", " 411", "1 11", "11 1111", " 1111", ",", " mail", " ada",
                "@", "example", ".com", " today");
        for (int i = 0; i < tokens.size(); i++) {
            stream.append("{\"model\":\"llama3\",\"created_at\":\"2024-08-04T08:52:19.")
                    .append(3854 + i).append("Z\",\"response\":\"").append(tokens.get(i)).append("\",\"done\":false}\n");
        }
        return stream.append("{\"model\":\"llama3\",\"response\":\"\",\"done\":true}\n").toString();
    }

    /** The text an NDJSON token stream's reader joins: each line's response. */
    private static String ndjsonResponses(String stream) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : stream.split("\n")) {
            text.append(JSON.readTree(line).path("response").asText());
        }
        return text.toString();
    }

    private static String tokenStream() {
        StringBuilder stream = new StringBuilder();
        for (String delta : List.of("Your card is 4111 1111", " 1111 1111", ", thanks.")) {
            stream.append("data: {\"id\":\"chatcmpl-9f2\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"").append(delta).append("\"},\"finish_reason\":null}]}\n\n");
        }
        for (char c : (" Mail " + EMAIL + " today").toCharArray()) {
            stream.append("data: ").append(c).append("\n\n");
        }
        return stream.append("data: [DONE]\n\n").toString();
    }

    /** The text a token stream's reader joins: each JSON chunk's delta content, each plain event's data. */
    private static String joinedTokens(List<String> data) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String each : data) {
            if (each.startsWith("{")) {
                text.append(JSON.readTree(each).path("choices").path(0).path("delta").path("content").asText());
            } else if (!each.equals("[DONE]")) {
                text.append(each);
            }
        }
        return text.toString();
    }

    /** The data of each event as an EventSource dispatches it (lines end at CR, LF or CR LF; one BOM dropped). */
    private static List<String> eventData(String stream) {
        List<String> events = new java.util.ArrayList<>();
        StringBuilder data = null;
        for (String line : (stream.startsWith("\uFEFF") ? stream.substring(1) : stream).split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(data.toString());
                }
                data = null;
            } else if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return events;
    }

    private static HttpResponse<byte[]> get(String path, String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest post(String type, byte[] body, String token, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/svc/echo"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).header("Content-Type", type);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String query(HttpExchange exchange) {
        return exchange.getRequestURI().getQuery();
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        SEEN.add(Map.copyOf(exchange.getRequestHeaders()));
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream zip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return zip.readAllBytes();
        }
    }
}
