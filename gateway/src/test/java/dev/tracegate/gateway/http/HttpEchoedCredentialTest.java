package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that shows the request it got, as echo and debug endpoints do (httpbin's
 * {@code /anything}, an error page listing headers, {@code phpinfo()}): in a response header, in a
 * small body held whole, in a body streamed in two writes that split the credential, in a large
 * body, with JSON's escaped slashes and percent-encoded. The held credential must reach neither
 * the caller, masked or not, nor the evidence.
 */
class HttpEchoedCredentialTest {

    private static final String HELD = "Held/Echo+Secret=7b3e9a51";

    @TempDir
    static Path secrets;
    private static RawHttpTarget target;
    private static TestGateway gateway;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        target = new RawHttpTarget(HttpEchoedCredentialTest::echo);
        Path secret = secrets.resolve("held.secret");
        Files.writeString(secret, HELD);
        SecretReference held = SecretReference.of("file:" + secret);
        gateway = TestGateway.start(List.of(
                new HttpConnectionConfig("bearer", target.url(), new HttpCredentialConfig("bearer", null, null, held), List.of()),
                new HttpConnectionConfig("basic", target.url(), new HttpCredentialConfig("basic", null, "svc", held), List.of()),
                new HttpConnectionConfig("keyed", target.url(), new HttpCredentialConfig("header", "X-Api-Key", null, held),
                        List.of())), """
                defaults:
                  action: allow
                masking:
                  profiles:
                    pii: {detect: [email, card]}
                rules:
                  - {name: mask-agents, kinds: [agent], mask: pii}
                """);
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        target.close();
    }

    @Test
    void aTargetThatEchoesTheRequestHandsNobodyTheHeldCredential() throws Exception {
        String basic = Base64.getEncoder().encodeToString(("svc:" + HELD).getBytes(StandardCharsets.UTF_8));
        List<String> spellings = List.of(HELD, HELD.replace("/", "\\/"), URLEncoder.encode(HELD, StandardCharsets.UTF_8),
                basic, HELD.replace("+", "\\u002B"), basic.replace("+", "\\u002B"));
        for (String connection : List.of("bearer", "basic", "keyed")) {
            for (String path : List.of("/small", "/streamed", "/large", "/json", "/dotnet-json")) {
                for (String token : List.of(TestGateway.ADMIN_TOKEN, TestGateway.AGENT_TOKEN)) {
                    HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(
                                    URI.create(gateway.httpUrl() + "/" + connection + path))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    String seen = connection + path + " " + answer.headers().map() + " " + answer.body();
                    assertThat(answer.statusCode()).as(seen).isEqualTo(200);
                    assertThat(answer.body()).as(seen).contains(path.substring(1) + " HTTP", "****");
                    for (String spelling : spellings) {
                        assertThat(seen).as(connection + path).doesNotContain(spelling);
                    }
                }
            }
        }
        StringBuilder evidence = new StringBuilder(gateway.events("command", 0).toString());
        for (var result : gateway.events("command.result", 0)) {
            evidence.append(result);
            String digest = result.path("detail").path("data").path("blob").asText();
            if (!digest.isEmpty()) {
                gateway.gateway().evidence().blobs().get(digest)
                        .ifPresent(kept -> evidence.append(new String(kept, StandardCharsets.UTF_8)));
            }
        }
        assertThat(evidence.toString()).contains("GET /small");
        for (String spelling : spellings) {
            assertThat(evidence.toString()).doesNotContain(spelling);
        }
    }

    /**
     * A body held whole is searched as its one array: the credential is replaced wherever it starts,
     * up to the body's last byte, in a body no longer than it.
     */
    @Test
    void theHeldCredentialIsReplacedWhereverItStartsInABodyHeldWhole() throws Exception {
        int length = ("Bearer " + HELD).length();
        for (int before = 0; before <= 16; before++) {
            for (int after : new int[] {0, 1, 7, 8}) {
                String body = CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/bearer/shifted/" + before
                                        + "/" + after))
                                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                                .GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(body).as(before + " " + after).isEqualTo("x".repeat(before) + "*".repeat(length) + "y".repeat(after));
            }
        }
    }

    /**
     * A JSON echo that writes the credential with every character {@code \\u}-escaped, streamed: a
     * masked caller's JSON is written again by the masker, which writes a string's characters as
     * they are, so the credential, no spelling of which the target's bytes held, came out in clear.
     */
    @Test
    void anEscapedJsonEchoMaskedAsItStreamsHandsNobodyTheHeldCredential() throws Exception {
        for (String connection : List.of("bearer", "basic", "keyed")) {
            HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(
                            URI.create(gateway.httpUrl() + "/" + connection + "/escaped-json"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.AGENT_TOKEN).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            String seen = connection + " " + answer.headers().map() + " " + answer.body();
            assertThat(answer.statusCode()).as(seen).isEqualTo(200);
            assertThat(answer.body()).as(seen).contains("escaped-json HTTP", "****").doesNotContain(HELD);
            String basic = Base64.getEncoder().encodeToString(("svc:" + HELD).getBytes(StandardCharsets.UTF_8));
            assertThat(answer.body()).as(seen).doesNotContain(basic);
        }
    }

    /**
     * A target that compresses its echo: as nginx's {@code gzip on} or Express's compression does
     * when the request accepts gzip, as httpbin's {@code /gzip} and {@code /deflate} do whatever it
     * accepts (raw DEFLATE, codings stacked), and in a coding the gateway cannot read. The caller
     * accepts them all and undoes them as curl {@code --compressed} does; before, the credential
     * reached it in the compressed bytes, which no spelling matched. A masked caller's compressed
     * answer is refused unread, as before.
     */
    @Test
    void aCompressedEchoHandsNobodyTheHeldCredential() throws Exception {
        for (String connection : List.of("bearer", "basic", "keyed")) {
            for (String path : List.of("/gzip-if-asked", "/gzip", "/deflate-raw", "/stacked", "/stacked-streamed", "/br")) {
                for (String token : List.of(TestGateway.ADMIN_TOKEN, TestGateway.AGENT_TOKEN)) {
                    HttpResponse<byte[]> answer = CLIENT.send(HttpRequest.newBuilder(
                                    URI.create(gateway.httpUrl() + "/" + connection + path))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                            .header("Accept-Encoding", "gzip, deflate, br").GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    String body = new String(decompressed(answer.headers().allValues("Content-Encoding"), answer.body()),
                            StandardCharsets.UTF_8);
                    String seen = connection + path + " " + answer.headers().map() + " " + body;
                    boolean masked = token.equals(TestGateway.AGENT_TOKEN);
                    if (path.equals("/br")) {
                        assertThat(answer.statusCode()).as(seen).isEqualTo(502);
                        assertThat(body).as(seen).contains("Content-Encoding br");
                    } else if (masked && !path.equals("/gzip-if-asked")) { // compressed unasked: refused unread, as ever
                        assertThat(answer.statusCode()).as(seen).isEqualTo(502);
                        assertThat(body).as(seen).contains("cannot be masked");
                    } else {
                        assertThat(answer.statusCode()).as(seen).isEqualTo(200);
                        assertThat(body).as(seen).contains(path.substring(1) + " HTTP", "****");
                        assertThat(body).as(seen).doesNotContainIgnoringCase("accept-encoding");
                    }
                    assertThat(seen).as(seen).doesNotContain(HELD);
                    assertThat(seen).as(seen).doesNotContain(
                            Base64.getEncoder().encodeToString(("svc:" + HELD).getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }

    /**
     * A target that shows the credential it got and serves byte ranges of any answer, as Apache's
     * byte-range filter does for a PHP page: a caller that asks for the echo seven bytes at a time
     * gets pieces shorter than any spelling, and before, put the credential together from them.
     */
    @Test
    void anEchoFetchedInByteRangesHandsNobodyTheHeldCredential() throws Exception {
        for (String connection : List.of("bearer", "basic", "keyed")) {
            StringBuilder pieces = new StringBuilder();
            for (int first = 0; first < 80; first += 7) {
                HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(
                                URI.create(gateway.httpUrl() + "/" + connection + "/ranged"))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                        .header("Range", "bytes=" + first + "-" + (first + 6)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(connection).isIn(200, 206, 416);
                if (answer.statusCode() == 206) {
                    pieces.append(answer.body());
                } else if (answer.statusCode() == 200) {
                    assertThat(answer.body()).as(connection).contains("****").doesNotContain(HELD);
                }
            }
            assertThat(pieces.toString()).as(connection).doesNotContain(HELD)
                    .doesNotContain(Base64.getEncoder().encodeToString(("svc:" + HELD).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * A target that shows the request transformed as dumps and encoders write it: upper-cased, in
     * hex, in Base64 and URL-safe Base64 starting at each of the three places a run can start the
     * credential, in UTF-16. Before, each handed the caller the credential once undone.
     */
    @Test
    void anEchoInAnotherCaseHexBase64OrUtf16HandsNobodyTheHeldCredential() throws Exception {
        for (String connection : List.of("bearer", "basic", "keyed")) {
            HttpResponse<byte[]> answer = CLIENT.send(HttpRequest.newBuilder(
                            URI.create(gateway.httpUrl() + "/" + connection + "/transformed"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(answer.statusCode()).as(connection).isEqualTo(200);
            byte[] body = answer.body();
            int wide = indexOf(body, "utf16:".getBytes(StandardCharsets.US_ASCII));
            String text = new String(body, 0, wide, StandardCharsets.ISO_8859_1);
            String utf16 = new String(body, wide + 6, body.length - wide - 6, StandardCharsets.UTF_16LE);
            String seen = connection + " " + text + utf16;
            assertThat(text.lines().count()).as(seen).isEqualTo(6);
            assertThat(text).as(seen).doesNotContainIgnoringCase(HELD)
                    .doesNotContainIgnoringCase(HexFormat.of().formatHex(HELD.getBytes(StandardCharsets.UTF_8)));
            // Each byte replaced by a *: two of them read in UTF-16 as U+2A2A.
            assertThat(utf16).as(seen).contains("\u2a2a\u2a2a").doesNotContainIgnoringCase(HELD)
                    .doesNotContainIgnoringCase("Echo+Secret");
            for (String line : text.lines().toList()) {
                assertThat(line).as(seen).contains("****");
                String run = line.substring(line.indexOf(' ') + 1);
                if (line.startsWith("b64")) {
                    String decoded = new String(Base64.getMimeDecoder().decode(run.replace('-', '+').replace('_', '/')
                            .replace('*', 'A')), StandardCharsets.ISO_8859_1);
                    assertThat(decoded).as(seen + " " + decoded).doesNotContain(HELD).doesNotContain("Echo+Secret");
                }
            }
        }
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int at = 0; at + part.length <= bytes.length; at++) {
            if (Arrays.equals(bytes, at, at + part.length, part, 0, part.length)) {
                return at;
            }
        }
        return -1;
    }

    /** The request's head transformed as {@link #anEchoInAnotherCaseHexBase64OrUtf16HandsNobodyTheHeldCredential} reads it. */
    private static void transformedEcho(String head, String credential, OutputStream out) throws IOException {
        String value = credential.substring(credential.indexOf(':') + 1).strip();
        String token = value.substring(value.lastIndexOf(' ') + 1);
        if (credential.regionMatches(true, 0, "authorization: basic", 0, 20)) {
            token = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8); // as a debug page shows it
        }
        byte[] credentialBytes = token.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("upper: " + head.toUpperCase(Locale.ROOT).replace("\r\n", " ") + "\n"
                + "hex: " + HexFormat.of().withUpperCase().formatHex(credentialBytes) + "\n"
                + "b64-0: " + Base64.getEncoder().encodeToString(head.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "b64-1: " + Base64.getUrlEncoder().encodeToString(("x" + head).getBytes(StandardCharsets.UTF_8)) + "\n"
                + "b64-2: " + Base64.getEncoder().encodeToString(("xy" + token).getBytes(StandardCharsets.UTF_8)) + "\n"
                + "b64-3: " + Base64.getEncoder().encodeToString(("xyz" + token + "!").getBytes(StandardCharsets.UTF_8))
                + "\n").getBytes(StandardCharsets.US_ASCII));
        body.write("utf16:".getBytes(StandardCharsets.US_ASCII));
        body.write(("you sent " + credential).getBytes(StandardCharsets.UTF_16LE));
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.size()
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.writeTo(out);
        out.flush();
    }

    /** The body as a client that accepts compression reads it: each coding undone, the last listed first. */
    private static byte[] decompressed(List<String> contentEncodings, byte[] body) throws IOException {
        List<String> codings = new ArrayList<>();
        contentEncodings.forEach(h -> Arrays.stream(h.split(",")).map(String::strip).forEach(codings::add));
        for (String coding : codings.reversed()) {
            InputStream in = new ByteArrayInputStream(body);
            body = switch (coding) {
                case "gzip" -> new GZIPInputStream(in).readAllBytes();
                case "deflate" -> new InflaterInputStream(in, new Inflater(true)).readAllBytes();
                default -> body;
            };
        }
        return body;
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(packed)) {
            gzip.write(body);
        }
        return packed.toByteArray();
    }

    private static byte[] rawDeflate(byte[] body) throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(packed, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
            deflate.write(body);
        }
        return packed.toByteArray();
    }

    /** Echoes the request's head compressed as its path names; false when the path names no compression. */
    private static boolean compressedEcho(String path, String head, OutputStream out) throws IOException {
        byte[] plain = head.getBytes(StandardCharsets.UTF_8);
        boolean accepts = head.toLowerCase(Locale.ROOT).contains("accept-encoding: gzip");
        String coding;
        byte[] body;
        switch (path) {
            case "/gzip-if-asked" -> {
                coding = accepts ? "gzip" : null;
                body = accepts ? gzip(plain) : plain;
            }
            case "/gzip" -> {
                coding = "gzip";
                body = gzip(plain);
            }
            case "/deflate-raw" -> {
                coding = "deflate";
                body = rawDeflate(plain);
            }
            case "/stacked", "/stacked-streamed" -> {
                coding = "deflate, gzip";
                body = gzip(rawDeflate(plain));
            }
            case "/br" -> {
                coding = "br";
                body = new StringBuilder(head).reverse().toString().getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                return false;
            }
        }
        String encoding = coding == null ? "" : "Content-Encoding: " + coding + "\r\n";
        if (path.endsWith("-streamed")) {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + encoding + "Transfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + encoding + "Content-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
        }
        out.flush();
        return true;
    }

    /** The credential line as the body, or the byte range of it the request asks for. */
    private static void rangedEcho(String head, String credential, OutputStream out) throws IOException {
        byte[] body = ("you sent " + credential + "\n").getBytes(StandardCharsets.UTF_8);
        String range = head.lines().filter(l -> l.regionMatches(true, 0, "range: bytes=", 0, 13)).findFirst()
                .map(l -> l.substring(13).strip()).orElse(null);
        String status = "200 OK";
        String contentRange = "";
        if (range != null) {
            int first = Integer.parseInt(range.substring(0, range.indexOf('-')));
            int last = Math.min(Integer.parseInt(range.substring(range.indexOf('-') + 1)), body.length - 1);
            if (first >= body.length) {
                out.write(("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + body.length
                        + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            contentRange = "Content-Range: bytes " + first + "-" + last + "/" + body.length + "\r\n";
            body = Arrays.copyOfRange(body, first, last + 1);
            status = "206 Partial Content";
        }
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nAccept-Ranges: bytes\r\n" + contentRange
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Echoes each request's head: in a header and as the body, in the form its path names. */
    private static void echo(InputStream in, OutputStream out) throws IOException {
        for (String head = RawHttpTarget.readHead(in); head != null; head = RawHttpTarget.readHead(in)) {
            String credential = head.lines().filter(l -> l.regionMatches(true, 0, "authorization:", 0, 14)
                    || l.regionMatches(true, 0, "x-api-key:", 0, 10)).findFirst().orElse("none");
            String seen = "X-Seen: " + credential + "\r\nX-Seen-Query: /back?auth="
                    + URLEncoder.encode(credential, StandardCharsets.UTF_8) + "\r\n";
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            if (path.startsWith("/shifted/")) {
                String[] shifted = path.split("/"); // /shifted/<bytes before the credential>/<bytes after it>
                String echoed = "x".repeat(Integer.parseInt(shifted[2])) + credential.substring(credential.indexOf(':') + 1).strip()
                        + "y".repeat(Integer.parseInt(shifted[3]));
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + echoed.length() + "\r\n\r\n"
                        + echoed).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                continue;
            }
            if (compressedEcho(path, head, out)) {
                continue;
            }
            if (path.equals("/transformed")) {
                transformedEcho(head, credential, out);
                continue;
            }
            if (path.equals("/ranged")) {
                rangedEcho(head, credential, out);
                continue;
            }
            if (path.startsWith("/wide/")) {
                String charset = path.substring("/wide/".length());
                byte[] body = ("you sent " + credential).getBytes(java.nio.charset.Charset.forName(charset));
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                continue;
            }
            if (path.startsWith("/escaped/") || path.startsWith("/escaped-streamed/")) {
                escapedEcho(path, head, credential, out);
                continue;
            }
            byte[] body = switch (path) {
                case "/json" -> ("{\"headers\": \"" + head.replace("\r\n", "\\n").replace("/", "\\/") + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                // ASP.NET Core's System.Text.Json escapes + (and <, >, &, ') by default.
                case "/dotnet-json" -> ("{\"headers\": \"" + head.replace("\r\n", "\\n").replace("+", "\\u002B") + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                case "/escaped-json" -> ("{\"headers\": \"" + head.replace(credential, escapedEach(credential))
                        .replace("\r\n", "\\n") + "\"}").getBytes(StandardCharsets.UTF_8);
                case "/large" -> (("x".repeat(99) + "\n").repeat(1000) + head).getBytes(StandardCharsets.UTF_8);
                default -> head.getBytes(StandardCharsets.UTF_8);
            };
            String type = path.endsWith("json") ? "application/json" : "text/plain";
            if (path.equals("/streamed") || path.equals("/escaped-json")) {
                chunkedInTwo("Content-Type: " + type + "\r\n" + seen, body, head.indexOf("Echo+") + 2, out);
            } else {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\n" + seen + "Content-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
            }
            out.flush();
        }
    }

    /**
     * A target that shows the request with the credential's characters escaped as its page or
     * document type escapes them, for a caller whose answer is not masked: every character as JSON's
     * {@code \\u}, as HTML's hexadecimal, decimal and named character references, percent-encoded,
     * quoted-printable with soft line breaks, as JavaScript's {@code \\x}, and a mixture of them and
     * the character as written. Each reader (a JSON parser, a browser, a URL or mail decoder) hands
     * back the credential; before, each reached the caller and the evidence so. Also a header whose
     * name shows the credential (in hex). Held whole and streamed with the credential cut in two.
     */
    @Test
    void anEchoWithEachCharacterEscapedHandsNobodyTheHeldCredential() throws Exception {
        String basic = Base64.getEncoder().encodeToString(("svc:" + HELD).getBytes(StandardCharsets.UTF_8));
        for (String connection : List.of("bearer", "basic", "keyed")) {
            for (String form : ESCAPES) {
                for (String path : List.of("/escaped/", "/escaped-streamed/")) {
                    HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(
                                    URI.create(gateway.httpUrl() + "/" + connection + path + form))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
                    String seen = connection + path + form + " " + answer.headers().map() + " " + answer.body();
                    assertThat(answer.statusCode()).as(seen).isEqualTo(200);
                    assertThat(answer.body()).as(seen).contains("HTTP/1.1", "****");
                    for (String secret : List.of(HELD, basic)) {
                        assertThat(seen).as(seen).doesNotContainIgnoringCase(escaped(form, secret));
                    }
                    if (form.equals("json")) { // as a JSON reader hands it on
                        String read = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body())
                                .path("headers").asText();
                        assertThat(read).as(seen).doesNotContain(HELD).doesNotContain(basic).contains("Host:");
                    }
                    String hexName = HexFormat.of().formatHex((connection.equals("basic") ? basic : HELD)
                            .getBytes(StandardCharsets.UTF_8));
                    assertThat(answer.headers().map().keySet()).as(seen).noneMatch(n -> n.toLowerCase(Locale.ROOT)
                            .contains(hexName.substring(0, 16)));
                    assertThat(answer.headers().map().keySet()).as(seen).anyMatch(n -> n.startsWith("x-hex-****"));
                }
            }
        }
        StringBuilder evidence = new StringBuilder();
        for (var result : gateway.events("command.result", 0)) {
            String digest = result.path("detail").path("data").path("blob").asText();
            if (!digest.isEmpty()) {
                gateway.gateway().evidence().blobs().get(digest)
                        .ifPresent(kept -> evidence.append(new String(kept, StandardCharsets.UTF_8)));
            }
        }
        for (String form : ESCAPES) {
            assertThat(evidence.toString()).as(form).doesNotContainIgnoringCase(escaped(form, HELD))
                    .doesNotContainIgnoringCase(escaped(form, basic));
        }
    }

    /**
     * A target that shows the request in UTF-32 or in an EBCDIC code page (a dump, a mainframe's
     * page): the caller decodes it in that charset. Before, no spelling covered them.
     */
    @Test
    void anEchoInUtf32OrEbcdicHandsNobodyTheHeldCredential() throws Exception {
        String basic = Base64.getEncoder().encodeToString(("svc:" + HELD).getBytes(StandardCharsets.UTF_8));
        for (String connection : List.of("bearer", "basic", "keyed")) {
            for (String charset : List.of("UTF-32LE", "UTF-32BE", "IBM037", "IBM1047", "IBM500", "IBM273")) {
                HttpResponse<byte[]> answer = CLIENT.send(HttpRequest.newBuilder(
                                URI.create(gateway.httpUrl() + "/" + connection + "/wide/" + charset))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).GET()
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                String read = new String(answer.body(), java.nio.charset.Charset.forName(charset));
                String seen = connection + " " + charset + " " + read;
                assertThat(answer.statusCode()).as(seen).isEqualTo(200);
                assertThat(read).as(seen).startsWith("you sent").doesNotContain(HELD).doesNotContain(basic);
            }
        }
    }

    private static final List<String> ESCAPES = List.of("json", "html-hex", "html-dec", "html-named", "percent",
            "quoted-printable", "js-hex", "py-wide", "mixed");

    /** {@code text} with each character escaped as {@code form} says. */
    private static String escaped(String form, String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(switch (form) {
                case "json" -> String.format(Locale.ROOT, "\\u%04x", (int) c);
                case "html-hex" -> String.format(Locale.ROOT, "&#x%X;", (int) c);
                case "html-dec" -> "&#" + (int) c + ";";
                case "html-named" -> switch (c) {
                    case '+' -> "&plus;";
                    case '/' -> "&sol;";
                    case '=' -> "&equals;";
                    case ':' -> "&colon;";
                    default -> String.valueOf(c);
                };
                case "percent" -> String.format(Locale.ROOT, "%%%02X", (int) c);
                case "quoted-printable" -> String.format(Locale.ROOT, "=%02X", (int) c) + (i % 5 == 4 ? "=\r\n" : "");
                case "js-hex" -> String.format(Locale.ROOT, "\\x%02x", (int) c);
                case "py-wide" -> String.format(Locale.ROOT, "\\U%08x", (int) c);
                default -> switch (i % 4) { // mixed
                    case 0 -> String.format(Locale.ROOT, "\\u%04X", (int) c);
                    case 1 -> String.valueOf(c);
                    case 2 -> "&#" + (int) c;
                    default -> String.format(Locale.ROOT, "%%%02x", (int) c);
                };
            });
        }
        return out.toString();
    }

    /** The request's head with the credential's line escaped as the path's last segment names, and a header naming it in hex. */
    private static void escapedEcho(String path, String head, String credential, OutputStream out) throws IOException {
        String form = path.substring(path.lastIndexOf('/') + 1);
        String value = credential.substring(credential.indexOf(':') + 1).strip();
        String token = value.substring(value.lastIndexOf(' ') + 1);
        String shown = head.replace(credential, credential.substring(0, credential.length() - value.length())
                + escaped(form, value));
        byte[] body = (form.equals("json") ? "{\"headers\": \"" + shown.replace("\r\n", "\\n") + "\"}" : shown)
                .getBytes(StandardCharsets.UTF_8);
        String named = "X-Hex-" + HexFormat.of().formatHex(token.getBytes(StandardCharsets.UTF_8)) + ": 1\r\n";
        String type = form.equals("json") ? "application/json" : form.startsWith("html") ? "text/html" : "text/plain";
        if (path.startsWith("/escaped-streamed/")) {
            chunkedInTwo("Content-Type: " + type + "\r\n" + named, body,
                    new String(body, StandardCharsets.ISO_8859_1).indexOf(escaped(form, value)) + 20, out);
        } else {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\n" + named + "Content-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
        }
        out.flush();
    }

    /** A 200 with {@code headers}, its body chunked in two writes split at {@code split} (the credential cut in two). */
    private static void chunkedInTwo(String headers, byte[] body, int split, OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\n" + headers + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int[] part : new int[][] {{0, split}, {split, body.length}}) {
            out.write((Integer.toHexString(part[1] - part[0]) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, part[0], part[1] - part[0]);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Every character as JSON's {@code \\u} escape, as an encoder told to escape all but ASCII letters might. */
    private static String escapedEach(String text) {
        StringBuilder escaped = new StringBuilder();
        text.chars().forEach(c -> escaped.append(String.format(Locale.ROOT, "\\u%04X", c)));
        return escaped.toString();
    }
}
