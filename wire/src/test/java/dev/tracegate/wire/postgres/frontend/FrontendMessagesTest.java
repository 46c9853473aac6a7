package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

import static dev.tracegate.wire.postgres.HandBuilt.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrontendMessagesTest {

    private interface Decoder {
        Object decode(byte[] body) throws ProtocolException;
    }

    private record Case(PgMessage message, char type, Decoder decoder) {
    }

    private static final List<Case> CASES = List.of(
            new Case(new Query("SELECT 1; SELECT 'ü'"), 'Q', Query::decode),
            new Case(new Parse("s1", "SELECT $1::int, $2", new int[] {23, 0}), 'P', Parse::decode),
            new Case(new Parse("", "SELECT 1", new int[0]), 'P', Parse::decode),
            new Case(new Bind("p1", "s1", new short[] {0, 1}, new byte[][] {"42".getBytes(), null},
                    new short[] {1}), 'B', Bind::decode),
            new Case(new Bind("", "", new short[0], new byte[0][], new short[0]), 'B', Bind::decode),
            new Case(Describe.statement("s1"), 'D', Describe::decode),
            new Case(Describe.portal(""), 'D', Describe::decode),
            new Case(new Execute("p1", 100), 'E', Execute::decode),
            new Case(Close.statement("s1"), 'C', Close::decode),
            new Case(Close.portal("p1"), 'C', Close::decode),
            new Case(Sync.INSTANCE, 'S', Sync::decode),
            new Case(Flush.INSTANCE, 'H', Flush::decode),
            new Case(Terminate.INSTANCE, 'X', Terminate::decode),
            new Case(new FunctionCall(764, new short[] {1}, new byte[][] {{0, 0, 0, 1}, null}, (short) 1), 'F',
                    FunctionCall::decode),
            new Case(new CopyFail("aborted by user"), 'f', CopyFail::decode),
            new Case(PasswordMessage.cleartext("hunter2"), 'p', PasswordMessage::decode),
            new Case(new SaslInitialResponse("SCRAM-SHA-256", "n,,n=,r=abc".getBytes()), 'p', SaslInitialResponse::decode),
            new Case(new SaslInitialResponse("OAUTHBEARER", null), 'p', SaslInitialResponse::decode),
            new Case(new SaslResponse("c=biws,r=abc,p=xyz".getBytes()), 'p', SaslResponse::decode));

    @Test
    void everyMessageRoundTrips() throws Exception {
        for (Case c : CASES) {
            PgFrame frame = c.message().encode();
            assertThat(frame.typeChar()).as("type of %s", c.message()).isEqualTo(c.type());
            assertThat(c.decoder().decode(frame.body())).as("round trip of %s", c.message()).isEqualTo(c.message());
        }
    }

    @Test
    void everyTruncationIsAProtocolException() {
        for (Case c : CASES) {
            // These bodies end in "the rest of the message", so a shorter body is still well-formed.
            if (c.message() instanceof PasswordMessage || c.message() instanceof SaslResponse) {
                continue;
            }
            byte[] body = c.message().encode().body();
            for (int cut = 0; cut < body.length; cut++) {
                byte[] truncated = Arrays.copyOf(body, cut);
                assertThatThrownBy(() -> c.decoder().decode(truncated))
                        .as("%s cut to %d of %d bytes", c.message(), cut, body.length)
                        .isInstanceOf(ProtocolException.class);
            }
        }
    }

    @Test
    void trailingBytesAreRefused() {
        for (Case c : CASES) {
            if (c.message() instanceof PasswordMessage || c.message() instanceof SaslResponse) {
                continue;
            }
            byte[] body = c.message().encode().body();
            byte[] longer = Arrays.copyOf(body, body.length + 1);
            assertThatThrownBy(() -> c.decoder().decode(longer))
                    .as("%s with a trailing byte", c.message())
                    .isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void decodesHandBuiltBindWithMixedFormatsAndNull() throws Exception {
        byte[] body = bytes()
                .string("portal").string("stmt")
                .int16(3).int16(0).int16(1).int16(0)        // parameter formats: text, binary, text
                .int16(3)                                   // parameter count
                .int32(5).raw("alice")                      // $1 text
                .int32(4).raw(new byte[] {0, 0, 0, 42})     // $2 binary int4
                .int32(-1)                                  // $3 NULL
                .int16(2).int16(1).int16(0)                 // result formats per column
                .build();

        Bind bind = Bind.decode(body);

        assertThat(bind.portalName()).isEqualTo("portal");
        assertThat(bind.statementName()).isEqualTo("stmt");
        assertThat(bind.parameters()[0]).asString().isEqualTo("alice");
        assertThat(bind.parameters()[1]).containsExactly(0, 0, 0, 42);
        assertThat(bind.parameters()[2]).isNull();
        assertThat(bind.isBinaryParameter(0)).isFalse();
        assertThat(bind.isBinaryParameter(1)).isTrue();
        assertThat(bind.isBinaryParameter(2)).isFalse();
        assertThat(bind.resultFormat(0)).isEqualTo((short) 1);
        assertThat(bind.resultFormat(1)).isEqualTo((short) 0);
        assertThat(bind.encode().body()).isEqualTo(body);
        assertThat(bind.toString()).contains("5 bytes", "NULL").doesNotContain("alice");
    }

    @Test
    void bindFormatListsOfZeroOrOneEntryApplyToAllValues() throws Exception {
        Bind allText = new Bind("", "", new short[0], new byte[][] {{1}, {2}}, new short[0]);
        Bind allBinary = new Bind("", "", new short[] {1}, new byte[][] {{1}, {2}}, new short[] {1});

        assertThat(allText.isBinaryParameter(1)).isFalse();
        assertThat(allText.resultFormat(7)).isEqualTo((short) 0);
        assertThat(allBinary.isBinaryParameter(1)).isTrue();
        assertThat(allBinary.resultFormat(7)).isEqualTo((short) 1);
    }

    @Test
    void bindWithInconsistentOrUnknownFormatsIsRefused() {
        byte[] twoFormatsOneParameter = bytes().string("").string("").int16(2).int16(0).int16(0)
                .int16(1).int32(1).raw("x").int16(0).build();
        byte[] formatCodeTwo = bytes().string("").string("").int16(1).int16(2).int16(0).int16(0).build();
        byte[] negativeLength = bytes().string("").string("").int16(0).int16(1).int32(-7).int16(0).build();

        assertThatThrownBy(() -> Bind.decode(twoFormatsOneParameter))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("2 format codes but 1 values");
        assertThatThrownBy(() -> Bind.decode(formatCodeTwo))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("unsupported format code 2");
        assertThatThrownBy(() -> Bind.decode(negativeLength))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("-7");
    }

    @Test
    void bindCountsAboveInt16MaxAreReadUnsigned() throws Exception {
        byte[][] parameters = new byte[40_000][];
        Bind bind = new Bind("", "", new short[0], parameters, new short[0]);

        assertThat(Bind.decode(bind.encode().body()).parameters().length).isEqualTo(40_000);
    }

    @Test
    void bindDeclaringMoreParametersThanBytesFailsBeforeAllocating() {
        byte[] body = bytes().string("").string("").int16(0).int16(65535).build();

        assertThatThrownBy(() -> Bind.decode(body))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("65535 declared");
    }

    @Test
    void decodesHandBuiltParseDescribeExecute() throws Exception {
        Parse parse = Parse.decode(bytes().string("s1").string("SELECT * FROM t WHERE id = $1").int16(1).int32(20).build());
        assertThat(parse).isEqualTo(new Parse("s1", "SELECT * FROM t WHERE id = $1", new int[] {20}));

        assertThat(Describe.decode(bytes().byte1('S').string("s1").build())).isEqualTo(Describe.statement("s1"));
        assertThat(Execute.decode(bytes().string("").int32(0).build())).isEqualTo(new Execute("", 0));
        assertThatThrownBy(() -> Describe.decode(bytes().byte1('X').string("s1").build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("expected 'S' or 'P'");
        assertThatThrownBy(() -> Close.decode(bytes().byte1('s').string("").build()))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void md5PasswordMatchesTheDocumentedFormula() throws Exception {
        byte[] salt = {0x01, 0x02, 0x03, 0x04};

        PasswordMessage md5 = PasswordMessage.md5("alice", "s3cret", salt);

        // "md5" + md5hex(md5hex(password + user) + salt), computed independently.
        String inner = hex(MessageDigest.getInstance("MD5").digest("s3cretalice".getBytes(StandardCharsets.UTF_8)));
        MessageDigest outer = MessageDigest.getInstance("MD5");
        outer.update(inner.getBytes(StandardCharsets.US_ASCII));
        outer.update(salt);
        assertThat(md5.text()).isEqualTo("md5" + hex(outer.digest()));
        // Known answer computed with Python's hashlib.
        assertThat(md5.text()).isEqualTo("md5b79948bbeb35dee03ab8fe15a839030b");
        assertThat(md5.password()).endsWith(0);
    }

    @Test
    void passwordMessageIsAStringWithTerminatorAndNeverPrintsTheSecret() throws Exception {
        byte[] body = bytes().string("hunter2").build();

        PasswordMessage password = PasswordMessage.decode(body);

        assertThat(password.text()).isEqualTo("hunter2");
        assertThat(PasswordMessage.cleartext("hunter2")).isEqualTo(password);
        assertThat(password.encode().body()).isEqualTo(body);
        assertThat(password.toString()).contains("<redacted>").doesNotContain("hunter2");
    }

    @Test
    void saslMessagesDecodeFromDocumentedLayoutAndRedactData() throws Exception {
        byte[] clientFirst = "n,,n=,r=fyko+d2lbbFgONRv9qkxdawL".getBytes(StandardCharsets.US_ASCII);
        byte[] body = bytes().string("SCRAM-SHA-256").int32(clientFirst.length).raw(clientFirst).build();

        SaslInitialResponse initial = SaslInitialResponse.decode(body);

        assertThat(initial.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(initial.data()).isEqualTo(clientFirst);
        assertThat(SaslInitialResponse.decode(bytes().string("X").int32(-1).build()).data()).isNull();
        assertThat(initial.toString()).contains("SCRAM-SHA-256", "<redacted>").doesNotContain("fyko");
        assertThat(new SaslResponse(clientFirst).toString()).contains("<redacted>").doesNotContain("fyko");
    }

    @Test
    void functionCallDecodesFromDocumentedLayout() throws Exception {
        byte[] body = bytes().int32(1234).int16(1).int16(1).int16(2).int32(4).raw(new byte[] {0, 0, 0, 9}).int32(-1)
                .int16(0).build();

        FunctionCall call = FunctionCall.decode(body);

        assertThat(call.functionOid()).isEqualTo(1234);
        assertThat(call.isBinaryArgument(0)).isTrue();
        assertThat(call.isBinaryArgument(1)).isTrue();
        assertThat(call.arguments()[1]).isNull();
        assertThat(call.resultFormat()).isEqualTo((short) 0);
    }

    @Test
    void emptyMessagesHaveTheDocumentedFourByteLength() {
        assertThat(Sync.INSTANCE.encode().toWireBytes()).containsExactly('S', 0, 0, 0, 4);
        assertThat(Flush.INSTANCE.encode().toWireBytes()).containsExactly('H', 0, 0, 0, 4);
        assertThat(Terminate.INSTANCE.encode().toWireBytes()).containsExactly('X', 0, 0, 0, 4);
    }

    private static String hex(byte[] digest) {
        StringBuilder text = new StringBuilder();
        for (byte b : digest) {
            text.append(String.format("%02x", b));
        }
        return text.toString();
    }
}
