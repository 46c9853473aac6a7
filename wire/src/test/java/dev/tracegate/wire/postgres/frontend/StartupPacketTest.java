package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgFrameReader;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.ProtocolException;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.tracegate.wire.postgres.HandBuilt.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartupPacketTest {

    /** What psql 17 sends: protocol 3.0 (196608), ordered parameters, a final NUL. */
    private static final byte[] PSQL_STARTUP = bytes().int32(196608)
            .string("user").string("alice")
            .string("database").string("shop")
            .string("application_name").string("psql")
            .string("client_encoding").string("UTF8")
            .byte1(0).build();

    @Test
    void decodesRealStartupMessageKeepingParameterOrder() throws Exception {
        StartupMessage startup = (StartupMessage) StartupPacket.decode(PSQL_STARTUP);

        assertThat(startup.majorVersion()).isEqualTo(3);
        assertThat(startup.minorVersion()).isEqualTo(0);
        assertThat(startup.parameters()).containsExactly(Map.entry("user", "alice"), Map.entry("database", "shop"),
                Map.entry("application_name", "psql"), Map.entry("client_encoding", "UTF8"));
        assertThat(startup.user()).isEqualTo("alice");
        assertThat(startup.database()).isEqualTo("shop");
        assertThat(startup.encodeBody()).isEqualTo(PSQL_STARTUP);
        assertThatThrownBy(() -> startup.parameters().put("user", "mallory"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void decodesProtocol32StartupWithProtocolOption() throws Exception {
        byte[] body = bytes().int32(3 << 16 | 2).string("user").string("bob").string("_pq_.test").string("on").byte1(0).build();

        StartupMessage startup = (StartupMessage) StartupPacket.decode(body);

        assertThat(startup.minorVersion()).isEqualTo(2);
        assertThat(startup.protocolVersion()).isEqualTo(196610);
        assertThat(startup.parameters()).containsEntry("_pq_.test", "on");
        assertThat(startup.database()).as("database defaults to the user").isEqualTo("bob");
    }

    @Test
    void refusesDuplicateParameterThatServerWouldResolveDifferently() {
        byte[] body = bytes().int32(196608).string("user").string("alice").string("user").string("postgres").byte1(0).build();

        assertThatThrownBy(() -> StartupPacket.decode(body))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("duplicate startup parameter \"user\"");
    }

    @Test
    void decodesSpecialRequestsByCode() throws Exception {
        assertThat(StartupPacket.decode(new byte[] {0x04, (byte) 0xD2, 0x16, 0x2F})).isSameAs(SslRequest.INSTANCE);
        assertThat(StartupPacket.decode(new byte[] {0x04, (byte) 0xD2, 0x16, 0x30})).isSameAs(GssEncRequest.INSTANCE);

        byte[] cancel30 = bytes().raw(new byte[] {0x04, (byte) 0xD2, 0x16, 0x2E}).int32(4242).int32(0xCAFEBABE).build();
        assertThat(StartupPacket.decode(cancel30))
                .isEqualTo(new CancelRequest(4242, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE}));
    }

    @Test
    void cancelRequestCarriesLongKeysOfProtocol32() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        byte[] body = bytes().int32(80877102).int32(99).raw(key).build();

        CancelRequest cancel = (CancelRequest) StartupPacket.decode(body);

        assertThat(cancel.processId()).isEqualTo(99);
        assertThat(cancel.secretKey()).isEqualTo(key);
        assertThat(cancel.encodeBody()).isEqualTo(body);
        assertThat(cancel.toString()).contains("<redacted>").doesNotContain("7, 7");
    }

    @Test
    void cancelKeyOutsideFourTo256BytesIsRefused() {
        assertThatThrownBy(() -> StartupPacket.decode(bytes().int32(80877102).int32(1).raw(new byte[3]).build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> StartupPacket.decode(bytes().int32(80877102).int32(1).raw(new byte[257]).build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("257 bytes");
    }

    @Test
    void unknownCodeIsRefusedNamingTheCode() {
        assertThatThrownBy(() -> StartupPacket.decode(bytes().int32(131072).byte1(0).build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("131072");
        assertThatThrownBy(() -> StartupPacket.decode(bytes().int32(80877199).build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("80877199");
    }

    @Test
    void specialRequestsWithExtraBytesAreRefused() {
        assertThatThrownBy(() -> StartupPacket.decode(bytes().int32(80877103).byte1(0).build()))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("trailing");
    }

    @Test
    void everyTruncationOfAStartupPacketIsAProtocolException() {
        byte[][] packets = {PSQL_STARTUP, SslRequest.INSTANCE.encodeBody(), GssEncRequest.INSTANCE.encodeBody(),
                new CancelRequest(1, new byte[4]).encodeBody()};
        for (byte[] packet : packets) {
            for (int cut = 0; cut < packet.length; cut++) {
                byte[] truncated = Arrays.copyOf(packet, cut);
                assertThatThrownBy(() -> StartupPacket.decode(truncated))
                        .as("packet cut to %d of %d bytes", cut, packet.length)
                        .isInstanceOf(ProtocolException.class);
            }
        }
    }

    @Test
    void roundTripsThroughWriterAndReader() throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", "ünïcode");
        parameters.put("options", "-c search_path=app");
        StartupPacket[] packets = {StartupMessage.of(parameters), SslRequest.INSTANCE, GssEncRequest.INSTANCE,
                new CancelRequest(-5, new byte[] {1, 2, 3, 4})};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgFrameWriter writer = new PgFrameWriter(out);
        for (StartupPacket packet : packets) {
            writer.writeStartup(packet.encodeBody());
        }

        PgFrameReader reader = new PgFrameReader(new BufferedInputStream(new ByteArrayInputStream(out.toByteArray())), 1024);
        for (StartupPacket packet : packets) {
            assertThat(StartupPacket.decode(reader.readStartupBody())).isEqualTo(packet);
        }
        assertThat(reader.readStartupBody()).isNull();
    }
}
