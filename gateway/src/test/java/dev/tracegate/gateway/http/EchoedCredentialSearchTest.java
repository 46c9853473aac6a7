package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The search for the held credential in a target's answer, without the gateway around it: the
 * search passes over most bytes after a look-up or two (by a byte and by the pair it starts), so
 * these answers put the secret's own letters, escape characters and near misses everywhere, and
 * the credential in every spelling, each character escaped its own way at random (the first two
 * included, where the look-ups decide), in any case, at random places. None may leave as written,
 * held whole or streamed in small reads, and an answer of near misses alone must pass unchanged.
 */
class EchoedCredentialSearchTest {

    private static final List<String> HEADERS = List.of("Bearer tGzv3JOkF0XG5Qx2TlKWIA_bxm-9Ht7Rp4wq1Lz8Yc0",
            "Bearer bench-upstream-token",
            "Basic " + Base64.getEncoder().encodeToString("svc:%=&\\+/Pa55word".getBytes(StandardCharsets.UTF_8)),
            "Bearer ==ab+/cd=ef");

    /** Ways a reader undoes one ASCII character; the soft line break is quoted-printable's, between any two. */
    private static final List<IntFunction<String>> ESCAPES = List.of(
            c -> String.valueOf((char) c),
            c -> Character.isLetter(c) ? String.valueOf((char) (c ^ 0x20)) : String.valueOf((char) c),
            c -> String.format(Locale.ROOT, "\\u%04x", c),
            c -> String.format(Locale.ROOT, "\\u%04X", c),
            c -> String.format(Locale.ROOT, "\\x%02x", c),
            c -> String.format(Locale.ROOT, "\\%03o", c),
            c -> String.format(Locale.ROOT, "%%%02X", c),
            c -> String.format(Locale.ROOT, "%%u%04x", c),
            c -> String.format(Locale.ROOT, "&#x%x;", c),
            c -> String.format(Locale.ROOT, "&#%d;", c),
            c -> String.format(Locale.ROOT, "=%02X", c),
            c -> "=\r\n" + (char) c);

    @Test
    void everySpellingIsReplacedWhereverTheSearchLooksFirst() throws IOException {
        Random random = new Random(20261207);
        for (String header : HEADERS) {
            EchoedCredential echoed = EchoedCredential.of(header);
            List<String> secrets = secretsOf(header);
            for (int round = 0; round < 300; round++) {
                StringBuilder answer = new StringBuilder();
                List<String> inserted = new ArrayList<>();
                while (answer.length() < 2_000) {
                    if (random.nextInt(8) == 0) {
                        String spelled = spelling(secrets.get(random.nextInt(secrets.size())), random);
                        answer.append(' ').append(spelled).append(' ');
                        inserted.add(spelled);
                    } else {
                        answer.append(nearMiss(secrets, random));
                    }
                }
                byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);
                byte[] whole = echoed.scrubbed(body);
                byte[] streamed = streamed(echoed, body, 1 + random.nextInt(64));
                for (String secret : secrets) {
                    assertThat(readable(whole)).as("held whole, %s", header).doesNotContain(secret.toLowerCase(Locale.ROOT));
                    assertThat(readable(streamed)).as("streamed, %s", header).doesNotContain(secret.toLowerCase(Locale.ROOT));
                }
                for (String spelled : inserted) {
                    // (streamed, a reading may be replaced before the optional ';' of its last escape arrives: it stays)
                    assertThat(new String(whole, StandardCharsets.UTF_8)).as("%s in %s", spelled, header).doesNotContain(spelled);
                    assertThat(new String(streamed, StandardCharsets.UTF_8)).as("%s streamed in %s", spelled, header)
                            .doesNotContain(spelled);
                }
            }
        }
    }

    @Test
    void anAnswerOfNearMissesPassesUnchanged() {
        Random random = new Random(7);
        for (String header : HEADERS) {
            EchoedCredential echoed = EchoedCredential.of(header);
            List<String> secrets = secretsOf(header);
            StringBuilder answer = new StringBuilder();
            while (answer.length() < 50_000) {
                answer.append(nearMiss(secrets, random));
            }
            byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(echoed.scrubbed(body)).as(header).isSameAs(body);
        }
    }

    /** The secrets a header's spellings must not give away, as EchoedCredential reads them. */
    private static List<String> secretsOf(String header) {
        String token = header.substring(header.lastIndexOf(' ') + 1);
        if (!header.startsWith("Basic ")) {
            return List.of(token);
        }
        String pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        return List.of(token, pair.substring(pair.indexOf(':') + 1));
    }

    /** A secret spelled one way: whole in another encoding, or each character escaped at random. */
    private static String spelling(String secret, Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            case 1 -> secret.toUpperCase(Locale.ROOT);
            default -> {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < secret.length(); i++) {
                    out.append(ESCAPES.get(random.nextInt(ESCAPES.size())).apply(secret.charAt(i)));
                }
                yield out.toString();
            }
        };
    }

    /** Text that starts like a secret and stops short, or the characters a search looks at first. */
    private static String nearMiss(List<String> secrets, Random random) {
        String secret = secrets.get(random.nextInt(secrets.size()));
        return switch (random.nextInt(4)) {
            case 0 -> secret.substring(0, 1 + random.nextInt(Math.min(6, secret.length() - 1))) + " ";
            case 1 -> ESCAPES.get(2 + random.nextInt(ESCAPES.size() - 2)).apply(secret.charAt(0)) + "q";
            case 2 -> String.valueOf("%=&\\".charAt(random.nextInt(4)));
            default -> String.valueOf((char) ('a' + random.nextInt(26)));
        };
    }

    private static byte[] streamed(EchoedCredential echoed, byte[] body, int chunk) throws IOException {
        InputStream target = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] to, int offset, int length) {
                return super.read(to, offset, Math.min(length, chunk));
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = echoed.scrubbing(target)) {
            in.transferTo(out);
        }
        return out.toByteArray();
    }

    /** The answer as a reader of the plain spellings sees it, in lower case. */
    private static String readable(byte[] answer) {
        return new String(answer, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
}
