package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.HandBuilt;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static dev.tracegate.wire.postgres.HandBuilt.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendMessagesTest {

    private interface Decoder {
        Object decode(byte[] body) throws ProtocolException;
    }

    private record Case(PgMessage message, char type, Decoder decoder) {
    }

    private static final RowDescription.Field ID = new RowDescription.Field("id", 16384, (short) 1, 23, (short) 4, -1, (short) 0);
    private static final RowDescription.Field EMAIL = new RowDescription.Field("email", 16384, (short) 2, 25, (short) -1, -1, (short) 1);

    private static final List<Case> CASES = List.of(
            new Case(AuthenticationOk.INSTANCE, 'R', Authentication::decode),
            new Case(AuthenticationCleartextPassword.INSTANCE, 'R', Authentication::decode),
            new Case(new AuthenticationMd5Password(new byte[] {9, 8, 7, 6}), 'R', Authentication::decode),
            new Case(new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")), 'R', Authentication::decode),
            new Case(new AuthenticationSaslContinue("r=abc,s=salt,i=4096".getBytes()), 'R', Authentication::decode),
            new Case(new AuthenticationSaslFinal("v=signature".getBytes()), 'R', Authentication::decode),
            new Case(new AuthenticationUnsupported(Authentication.GSS), 'R', Authentication::decode),
            new Case(new BackendKeyData(1234, new byte[] {1, 2, 3, 4}), 'K', BackendKeyData::decode),
            new Case(new ParameterStatus("client_encoding", "UTF8"), 'S', ParameterStatus::decode),
            new Case(ReadyForQuery.IDLE, 'Z', ReadyForQuery::decode),
            new Case(ReadyForQuery.IN_TRANSACTION, 'Z', ReadyForQuery::decode),
            new Case(ReadyForQuery.FAILED, 'Z', ReadyForQuery::decode),
            new Case(new RowDescription(List.of(ID, EMAIL)), 'T', RowDescription::decode),
            new Case(new RowDescription(List.of()), 'T', RowDescription::decode),
            new Case(new DataRow(new byte[][] {"1".getBytes(), null, new byte[0]}), 'D', DataRow::decode),
            new Case(new CommandComplete("INSERT 0 5"), 'C', CommandComplete::decode),
            new Case(ErrorResponse.of("ERROR", "42501", "permission denied", "policy p1", "ask an admin"), 'E',
                    ErrorResponse::decode),
            new Case(NoticeResponse.of("NOTICE", "00000", "waiting for approval"), 'N', NoticeResponse::decode),
            new Case(EmptyQueryResponse.INSTANCE, 'I', EmptyQueryResponse::decode),
            new Case(ParseComplete.INSTANCE, '1', ParseComplete::decode),
            new Case(BindComplete.INSTANCE, '2', BindComplete::decode),
            new Case(CloseComplete.INSTANCE, '3', CloseComplete::decode),
            new Case(NoData.INSTANCE, 'n', NoData::decode),
            new Case(PortalSuspended.INSTANCE, 's', PortalSuspended::decode),
            new Case(new ParameterDescription(new int[] {23, 25, 0}), 't', ParameterDescription::decode),
            new Case(new CopyInResponse((byte) 0, new short[] {0, 0}), 'G', CopyInResponse::decode),
            new Case(new CopyOutResponse((byte) 1, new short[] {1, 1, 1}), 'H', CopyOutResponse::decode),
            new Case(new CopyBothResponse((byte) 0, new short[0]), 'W', CopyBothResponse::decode),
            new Case(new NotificationResponse(77, "jobs", "{\"id\":1}"), 'A', NotificationResponse::decode),
            new Case(new FunctionCallResponse(new byte[] {0, 0, 0, 1}), 'V', FunctionCallResponse::decode),
            new Case(new FunctionCallResponse(null), 'V', FunctionCallResponse::decode),
            new Case(new NegotiateProtocolVersion(0, List.of("_pq_.compression")), 'v', NegotiateProtocolVersion::decode));

    /** Bodies whose last field is "the rest of the message": a shorter body is still well-formed. */
    private static boolean endsInOpenData(PgMessage message) {
        return message instanceof AuthenticationSaslContinue || message instanceof AuthenticationSaslFinal
                || message instanceof AuthenticationUnsupported;
    }

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
            byte[] body = c.message().encode().body();
            int shortest = endsInOpenData(c.message()) ? 4 : body.length;
            for (int cut = 0; cut < Math.min(shortest, body.length); cut++) {
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
            if (endsInOpenData(c.message()) || c.message() instanceof BackendKeyData) {
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
    void decodesHandBuiltRowDescription() throws Exception {
        byte[] body = bytes().int16(2)
                .string("id").int32(16384).int16(1).int32(23).int16(4).int32(-1).int16(0)
                .string("total").int32(0).int16(0).int32(1700).int16(-1).int32(655366).int16(1)
                .build();

        RowDescription description = RowDescription.decode(body);

        assertThat(description.columnCount()).isEqualTo(2);
        assertThat(description.field(0)).isEqualTo(ID);
        RowDescription.Field total = description.field(1);
        assertThat(total.name()).isEqualTo("total");
        assertThat(total.hasSourceColumn()).as("an expression has no table column").isFalse();
        assertThat(total.typeOid()).isEqualTo(1700);
        assertThat(total.typeSize()).isEqualTo((short) -1);
        assertThat(total.typeModifier()).isEqualTo(655366);
        assertThat(total.isBinary()).isTrue();
        assertThat(total.withFormat((short) 0).isBinary()).isFalse();
        assertThat(description.encode().body()).isEqualTo(body);
    }

    @Test
    void decodesHandBuiltDataRowWithNullAndEmptyValue() throws Exception {
        byte[] body = bytes().int16(3).int32(5).raw("alice").int32(-1).int32(0).build();

        DataRow row = DataRow.decode(body);

        assertThat(DataRow.columnCount(body)).isEqualTo(3);
        assertThat(row.value(0)).asString().isEqualTo("alice");
        assertThat(row.value(1)).isNull();
        assertThat(row.value(2)).isEmpty();
        assertThat(row.toString()).isEqualTo("DataRow[5 bytes, NULL, 0 bytes]");
    }

    @Test
    void maskedDataRowIsReframedWithItsNewLength() throws Exception {
        DataRow row = DataRow.decode(bytes().int16(2).int32(5).raw("alice").int32(17).raw("alice@example.com").build());

        PgFrame masked = row.withValue(1, "***".getBytes()).encode();

        assertThat(masked.toWireBytes()).isEqualTo(bytes().byte1('D').int32(4 + 2 + 9 + 7)
                .int16(2).int32(5).raw("alice").int32(3).raw("***").build());
        assertThat(row.value(1)).asString().as("the original row is unchanged").isEqualTo("alice@example.com");
    }

    @Test
    void dataRowWithBadLengthsIsRefused() {
        assertThatThrownBy(() -> DataRow.decode(bytes().int16(1).int32(-2).build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("-2");
        assertThatThrownBy(() -> DataRow.decode(bytes().int16(1).int32(100).raw("short").build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> DataRow.columnCount(new byte[1])).isInstanceOf(ProtocolException.class);
    }

    @Test
    void decodesHandBuiltErrorResponseKeepingFieldOrder() throws Exception {
        byte[] body = bytes()
                .byte1('S').string("ERREUR")
                .byte1('V').string("ERROR")
                .byte1('C').string("42P01")
                .byte1('M').string("relation \"nope\" does not exist")
                .byte1('P').string("15")
                .byte1('F').string("parse_relation.c")
                .byte1('L').string("1449")
                .byte1('R').string("parserOpenTable")
                .byte1(0).build();

        ErrorResponse error = ErrorResponse.decode(body);

        assertThat(error.severity()).as("non-localized severity wins").isEqualTo("ERROR");
        assertThat(error.localizedSeverity()).isEqualTo("ERREUR");
        assertThat(error.sqlState()).isEqualTo("42P01");
        assertThat(error.message()).isEqualTo("relation \"nope\" does not exist");
        assertThat(error.detail()).isNull();
        assertThat(error.field(ResponseFields.POSITION)).isEqualTo("15");
        assertThat(error.fields().keySet()).containsExactly('S', 'V', 'C', 'M', 'P', 'F', 'L', 'R');
        assertThat(error.encode().body()).isEqualTo(body);
    }

    @Test
    void errorFactorySetsBothSeveritiesAndOptionalFields() {
        ErrorResponse error = ErrorResponse.of("ERROR", "42501", "blocked by policy", "rule no-ddl", null);

        assertThat(error.fields()).containsExactly(Map.entry('S', "ERROR"), Map.entry('V', "ERROR"),
                Map.entry('C', "42501"), Map.entry('M', "blocked by policy"), Map.entry('D', "rule no-ddl"));
        assertThat(error.hint()).isNull();
        byte[] body = bytes().byte1('S').string("ERROR").byte1('V').string("ERROR").byte1('C').string("42501")
                .byte1('M').string("blocked by policy").byte1('D').string("rule no-ddl").byte1(0).build();
        assertThat(error.encode().toWireBytes()).isEqualTo(HandBuilt.frame('E', body));
    }

    @Test
    void noticeUsesTheSameFieldLayoutUnderItsOwnType() throws Exception {
        NoticeResponse notice = NoticeResponse.of("NOTICE", "00000", "held for approval", null, "approve in the console");
        ErrorResponse sameFields = new ErrorResponse(notice.fields());

        assertThat(notice.encode().typeChar()).isEqualTo('N');
        assertThat(notice.encode().body()).isEqualTo(sameFields.encode().body());
        assertThat(NoticeResponse.decode(notice.encode().body()).hint()).isEqualTo("approve in the console");
    }

    @Test
    void errorResponseWithoutTerminatorIsTruncated() {
        assertThatThrownBy(() -> ErrorResponse.decode(bytes().byte1('S').string("ERROR").build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
    }

    @Test
    void errorFieldCodesMustFitOneNonZeroByte() {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put('\0', "x");
        assertThatThrownBy(() -> new ErrorResponse(fields)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commandCompleteSplitsCommandAndRowCount() {
        assertThat(new CommandComplete("SELECT 10").rowCount()).hasValue(10);
        assertThat(new CommandComplete("INSERT 0 5").rowCount()).hasValue(5);
        assertThat(new CommandComplete("COPY 3").rowCount()).hasValue(3);
        assertThat(new CommandComplete("UPDATE 0").rowCount()).hasValue(0);
        assertThat(new CommandComplete("BEGIN").rowCount()).isEqualTo(OptionalLong.empty());
        assertThat(new CommandComplete("CREATE TABLE").rowCount()).isEmpty();
        assertThat(new CommandComplete("SELECT 99999999999999999999").rowCount()).isEmpty();
        assertThat(new CommandComplete("SELECT 9223372036854775807").rowCount()).hasValue(Long.MAX_VALUE);
        assertThat(new CommandComplete("SELECT ").rowCount()).isEmpty();
        assertThat(new CommandComplete("SELECT 1x").rowCount()).isEmpty();

        assertThat(new CommandComplete("INSERT 0 5").command()).isEqualTo("INSERT");
        assertThat(new CommandComplete("SELECT 10").command()).isEqualTo("SELECT");
        assertThat(new CommandComplete("CREATE TABLE").command()).isEqualTo("CREATE TABLE");
        assertThat(new CommandComplete("BEGIN").command()).isEqualTo("BEGIN");
    }

    @Test
    void decodesEachAuthenticationCodeFromDocumentedLayout() throws Exception {
        assertThat(Authentication.decode(bytes().int32(0).build())).isSameAs(AuthenticationOk.INSTANCE);
        assertThat(Authentication.decode(bytes().int32(3).build())).isSameAs(AuthenticationCleartextPassword.INSTANCE);
        assertThat(Authentication.decode(bytes().int32(5).raw(new byte[] {1, 2, 3, 4}).build()))
                .isEqualTo(new AuthenticationMd5Password(new byte[] {1, 2, 3, 4}));
        assertThat(Authentication.decode(bytes().int32(10).string("SCRAM-SHA-256").byte1(0).build()))
                .isEqualTo(new AuthenticationSasl(List.of("SCRAM-SHA-256")));
        assertThat(Authentication.decode(bytes().int32(11).raw("r=x").build()))
                .isEqualTo(new AuthenticationSaslContinue("r=x".getBytes(StandardCharsets.US_ASCII)));
        assertThat(Authentication.decode(bytes().int32(12).raw("v=y").build()))
                .isEqualTo(new AuthenticationSaslFinal("v=y".getBytes(StandardCharsets.US_ASCII)));
        assertThat(Authentication.decode(bytes().int32(2).build())).isEqualTo(new AuthenticationUnsupported(2));
        assertThat(Authentication.decode(bytes().int32(8).raw("gss token").build()))
                .isEqualTo(new AuthenticationUnsupported(8));
        assertThat(Authentication.decode(bytes().int32(9).build()).code()).isEqualTo(Authentication.SSPI);
        assertThat(new AuthenticationUnsupported(7).method()).isEqualTo("GSSAPI");
    }

    @Test
    void md5RequestNeedsExactlyFourSaltBytes() {
        assertThatThrownBy(() -> Authentication.decode(bytes().int32(5).raw(new byte[] {1, 2, 3}).build()))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Authentication.decode(bytes().int32(5).raw(new byte[5]).build()))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void saslExchangeDataIsNeverPrinted() {
        assertThat(new AuthenticationSaslContinue("r=nonce,s=c2FsdA==".getBytes()).toString())
                .contains("<redacted>").doesNotContain("nonce");
        assertThat(new BackendKeyData(1, new byte[] {1, 2, 3, 4}).toString()).contains("<redacted>");
    }

    @Test
    void backendKeyDataCarriesLongKeysOfProtocol32() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0x5A);

        BackendKeyData data = BackendKeyData.decode(bytes().int32(4711).raw(key).build());

        assertThat(data.processId()).isEqualTo(4711);
        assertThat(data.secretKey()).isEqualTo(key);
        assertThatThrownBy(() -> BackendKeyData.decode(bytes().int32(1).raw(new byte[257]).build()))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void readyForQueryRejectsUnknownStatus() {
        assertThat(ReadyForQuery.IDLE.encode().toWireBytes()).containsExactly('Z', 0, 0, 0, 5, 'I');
        assertThatThrownBy(() -> ReadyForQuery.decode(new byte[] {'Q'}))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("0x51");
    }

    @Test
    void negotiateProtocolVersionUsesTheFullVersionNumberServersSend() throws Exception {
        // What a PostgreSQL 17 server sends to a client asking for 3.2 with one unknown option.
        byte[] fromServer = bytes().int32(196608).int32(1).string("_pq_.compression").build();

        NegotiateProtocolVersion negotiate = NegotiateProtocolVersion.decode(fromServer);

        assertThat(negotiate.newestMinorVersion()).isEqualTo(0);
        assertThat(negotiate.unrecognizedOptions()).containsExactly("_pq_.compression");
        assertThat(negotiate.encode().body()).isEqualTo(fromServer);
        assertThat(NegotiateProtocolVersion.decode(bytes().int32(2).int32(0).build()).newestMinorVersion())
                .as("a bare minor, as the documentation words it").isEqualTo(2);
        assertThatThrownBy(() -> NegotiateProtocolVersion.decode(bytes().int32(4 << 16).int32(0).build()))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> NegotiateProtocolVersion.decode(bytes().int32(196608).int32(1_000_000).build()))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void copyResponsesDecodeFromDocumentedLayout() throws Exception {
        CopyOutResponse out = CopyOutResponse.decode(bytes().byte1(0).int16(2).int16(0).int16(0).build());

        assertThat(out.isBinary()).isFalse();
        assertThat(out.columnFormats()).containsExactly(0, 0);
        assertThat(CopyInResponse.decode(bytes().byte1(1).int16(1).int16(1).build()).isBinary()).isTrue();
    }

    @Test
    void parameterAndNotificationDecodeFromDocumentedLayout() throws Exception {
        assertThat(ParameterStatus.decode(bytes().string("server_version").string("17.2").build()))
                .isEqualTo(new ParameterStatus("server_version", "17.2"));
        assertThat(NotificationResponse.decode(bytes().int32(12).string("ch").string("").build()))
                .isEqualTo(new NotificationResponse(12, "ch", ""));
        assertThat(ParameterDescription.decode(bytes().int16(2).int32(23).int32(1043).build()).typeOids())
                .containsExactly(23, 1043);
        assertThat(FunctionCallResponse.decode(bytes().int32(-1).build()).result()).isNull();
    }
}
