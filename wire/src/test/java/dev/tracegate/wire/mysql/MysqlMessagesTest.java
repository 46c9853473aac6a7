package dev.tracegate.wire.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MysqlMessagesTest {

    private static final byte[] SCRAMBLE = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

    @Test
    void handshakeRoundTripsWithMariaDbExtendedCapabilities() throws MysqlProtocolException {
        long caps = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_SSL | (1L << 34);
        HandshakeV10 handshake = new HandshakeV10("5.5.5-10.11.19-MariaDB", 42, SCRAMBLE, caps, 45, 2, "mysql_native_password");
        HandshakeV10 decoded = HandshakeV10.decode(handshake.encode());
        assertThat(decoded.scramble()).isEqualTo(SCRAMBLE);
        assertThat(decoded).usingRecursiveComparison().ignoringFields("scramble").isEqualTo(handshake);
    }

    @Test
    void aHandshakeThatIsAnErrorSaysTheServersReason() {
        byte[] err = new ErrPacket(1130, "HY000", "Host is not allowed").encode();
        assertThatThrownBy(() -> HandshakeV10.decode(err)).hasMessageContaining("Host is not allowed");
    }

    @Test
    void handshakeResponseRoundTripsWithLongTokenAndAttributes() throws MysqlProtocolException {
        long caps = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
                | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_CONNECT_WITH_DB
                | Capabilities.CLIENT_CONNECT_ATTRS | Capabilities.CLIENT_MYSQL;
        byte[] token = "t".repeat(900).getBytes(StandardCharsets.US_ASCII);
        HandshakeResponse41 response = new HandshakeResponse41(caps, 1 << 24, 45, "analyst", token, "shop",
                "mysql_clear_password", Map.of("_client_name", "libmariadb"));
        HandshakeResponse41 decoded = HandshakeResponse41.decode(response.encode());
        assertThat(decoded.authResponse()).isEqualTo(token);
        assertThat(decoded).usingRecursiveComparison().ignoringFields("authResponse").isEqualTo(response);
    }

    @Test
    void anSslRequestIsTheShortFormOfTheResponse() throws MysqlProtocolException {
        SslRequest ssl = new SslRequest(Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SSL | Capabilities.CLIENT_MYSQL,
                1 << 24, 45);
        assertThat(SslRequest.matches(ssl.encode())).isTrue();
        assertThat(SslRequest.decode(ssl.encode())).isEqualTo(ssl);
    }

    @Test
    void authenticationPacketsRoundTrip() throws MysqlProtocolException {
        AuthSwitchRequest request = new AuthSwitchRequest("caching_sha2_password", (new String(SCRAMBLE) + "\0").getBytes());
        AuthSwitchRequest decoded = AuthSwitchRequest.decode(request.encode());
        assertThat(decoded.plugin()).isEqualTo("caching_sha2_password");
        assertThat(decoded.scramble()).isEqualTo(SCRAMBLE);
        assertThat(AuthMoreData.decode(new AuthMoreData(new byte[] {4}).encode()).data()).containsExactly(4);
        assertThat(AuthSwitchResponse.decode(new byte[] {1, 2}).encode()).containsExactly(1, 2);
    }

    @Test
    void okErrAndEofRoundTrip() throws MysqlProtocolException {
        OkPacket ok = new OkPacket(300, 70000, OkPacket.SERVER_MORE_RESULTS_EXISTS | 2, 1, "Rows matched: 1");
        assertThat(OkPacket.decode(ok.encode())).isEqualTo(ok);
        assertThat(OkPacket.decode(ok.encodeAsEof())).isEqualTo(ok);
        assertThat(OkPacket.decode(ok.encode()).moreResults()).isTrue();
        ErrPacket err = new ErrPacket(1227, "42000", "tracegate: blocked");
        assertThat(ErrPacket.decode(err.encode())).isEqualTo(err);
        EofPacket eof = new EofPacket(0, 0x22);
        assertThat(EofPacket.decode(eof.encode())).isEqualTo(eof);
        assertThat(new MysqlPacket(1, eof.encode()).isEofOrTerminalOk()).isTrue();
    }

    @Test
    void commandsRoundTrip() throws MysqlProtocolException {
        assertThat(ComQuery.decode(new ComQuery("SELECT 1; SELECT 2").encode()).sql()).isEqualTo("SELECT 1; SELECT 2");
        assertThat(ComInitDb.decode(new ComInitDb("shop").encode()).database()).isEqualTo("shop");
        assertThat(ComStmtPrepare.decode(new ComStmtPrepare("SELECT ?").encode()).sql()).isEqualTo("SELECT ?");
        assertThat(ComStmtClose.decode(new ComStmtClose(7).encode()).statementId()).isEqualTo(7);
        assertThat(ComStmtReset.decode(new ComStmtReset(0xFFFFFFFFL).encode()).statementId()).isEqualTo(0xFFFFFFFFL);
        ComStmtSendLongData data = ComStmtSendLongData.decode(new ComStmtSendLongData(3, 1, new byte[] {9}).encode());
        assertThat(data.parameter()).isEqualTo(1);
        assertThat(data.data()).containsExactly(9);
        ComStmtPrepareOk ok = new ComStmtPrepareOk(5, 2, 3, 0);
        assertThat(ComStmtPrepareOk.decode(ok.encode())).isEqualTo(ok);
        assertThat(CommandType.of(CommandType.PING.encode())).isEqualTo(CommandType.PING);
        assertThat(CommandType.of(new byte[] {(byte) 0x99})).isNull();
        assertThat(CommandType.of(new byte[0])).isNull();
    }

    @Test
    void executeCarriesTypedParametersAndReusesEarlierTypes() throws MysqlProtocolException {
        int[] types = {FieldType.LONGLONG, FieldType.VAR_STRING, FieldType.DATETIME, FieldType.LONG | ComStmtExecute.UNSIGNED};
        byte[][] values = {{1, 0, 0, 0, 0, 0, 0, 0}, "ada".getBytes(), {(byte) 0xE8, 7, 5, 17, 10, 30, 0}, null};
        ComStmtExecute execute = new ComStmtExecute(9, 0, 1, true, types, values);
        ComStmtExecute decoded = ComStmtExecute.decode(execute.encode(), 4, null, null);
        assertThat(decoded.types()).isEqualTo(types);
        assertThat(decoded.values()).isDeepEqualTo(values);
        assertThat(BinaryValue.text(FieldType.DATETIME, false, decoded.values()[2])).isEqualTo("2024-05-17 10:30:00");
        assertThat(BinaryValue.text(FieldType.LONGLONG, false, decoded.values()[0])).isEqualTo("1");
        ComStmtExecute again = new ComStmtExecute(9, 0, 1, false, types, values);
        assertThat(ComStmtExecute.decode(again.encode(), 4, types, null).values()).isDeepEqualTo(values);
        assertThatThrownBy(() -> ComStmtExecute.decode(again.encode(), 4, null, null))
                .isInstanceOf(MysqlProtocolException.class).hasMessageContaining("none were bound before");
    }

    @Test
    void signedAndUnsignedIntegersReadAsTheirText() {
        assertThat(BinaryValue.text(FieldType.TINY, false, new byte[] {(byte) 0xFF})).isEqualTo("-1");
        assertThat(BinaryValue.text(FieldType.TINY, true, new byte[] {(byte) 0xFF})).isEqualTo("255");
        assertThat(BinaryValue.text(FieldType.TIME, false, new byte[] {1, 1, 0, 0, 0, 2, 3, 4})).isEqualTo("-26:03:04");
    }

    @Test
    void columnDefinitionsKeepOriginalTableAndColumn() throws MysqlProtocolException {
        ColumnDefinition41 column = new ColumnDefinition41("def", "shop", "c", "customers", "mail", "email", 45, 1020,
                FieldType.VAR_STRING, 0, 0);
        ColumnDefinition41 decoded = ColumnDefinition41.decode(column.encode());
        assertThat(decoded).isEqualTo(column);
        assertThat(decoded.fromTableColumn()).isTrue();
    }

    @Test
    void rowsRoundTripWithNulls() throws MysqlProtocolException {
        byte[][] values = {"1".getBytes(), null, "ada@example.com".getBytes()};
        assertThat(TextRow.decode(new TextRow(values).encode(), 3).values()).isDeepEqualTo(values);
        int[] types = {FieldType.LONG, FieldType.VAR_STRING, FieldType.VAR_STRING};
        byte[][] binary = {{1, 0, 0, 0}, null, "ada@example.com".getBytes()};
        assertThat(BinaryRow.decode(new BinaryRow(types, binary).encode(), types).values()).isDeepEqualTo(binary);
    }

    @Test
    void malformedPayloadsAreProtocolErrorsNotCrashes() {
        assertThatThrownBy(() -> TextRow.decode(new byte[] {(byte) 0xFC, 0x10}, 1)).isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> TextRow.decode(new byte[] {5, 'a'}, 1)).hasMessageContaining("overruns");
        assertThatThrownBy(() -> TextRow.decode(new byte[] {1, 'a', 1, 'b'}, 1)).hasMessageContaining("trailing");
        assertThatThrownBy(() -> HandshakeResponse41.decode(new byte[] {0, 2, 0, 0})).isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> HandshakeV10.decode(new byte[] {10, 'x'})).isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> ColumnDefinition41.decode(new byte[] {3, 'd', 'e', 'f'})).isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> ComStmtExecute.decode(new byte[] {0x17, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 8, 0}, 1, null, null))
                .isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> BinaryRow.decode(new byte[] {0, 0, 0x7F}, new int[] {FieldType.VAR_STRING}))
                .isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> ComQuery.decode(new byte[] {0x16})).isInstanceOf(MysqlProtocolException.class);
        assertThatThrownBy(() -> new PayloadReader(new byte[] {(byte) 0xFF}).lenencInt()).isInstanceOf(MysqlProtocolException.class);
    }
}
