package dev.tracegate.wire.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracegate.wire.postgres.backend.Authentication;
import dev.tracegate.wire.postgres.backend.BackendKeyData;
import dev.tracegate.wire.postgres.backend.BindComplete;
import dev.tracegate.wire.postgres.backend.CloseComplete;
import dev.tracegate.wire.postgres.backend.CommandComplete;
import dev.tracegate.wire.postgres.backend.CopyBothResponse;
import dev.tracegate.wire.postgres.backend.CopyInResponse;
import dev.tracegate.wire.postgres.backend.CopyOutResponse;
import dev.tracegate.wire.postgres.backend.DataRow;
import dev.tracegate.wire.postgres.backend.EmptyQueryResponse;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.FunctionCallResponse;
import dev.tracegate.wire.postgres.backend.NegotiateProtocolVersion;
import dev.tracegate.wire.postgres.backend.NoData;
import dev.tracegate.wire.postgres.backend.NoticeResponse;
import dev.tracegate.wire.postgres.backend.NotificationResponse;
import dev.tracegate.wire.postgres.backend.ParameterDescription;
import dev.tracegate.wire.postgres.backend.ParameterStatus;
import dev.tracegate.wire.postgres.backend.ParseComplete;
import dev.tracegate.wire.postgres.backend.PortalSuspended;
import dev.tracegate.wire.postgres.backend.ReadyForQuery;
import dev.tracegate.wire.postgres.backend.RowDescription;
import dev.tracegate.wire.postgres.frontend.Bind;
import dev.tracegate.wire.postgres.frontend.Close;
import dev.tracegate.wire.postgres.frontend.CopyFail;
import dev.tracegate.wire.postgres.frontend.Describe;
import dev.tracegate.wire.postgres.frontend.Execute;
import dev.tracegate.wire.postgres.frontend.Flush;
import dev.tracegate.wire.postgres.frontend.FunctionCall;
import dev.tracegate.wire.postgres.frontend.Parse;
import dev.tracegate.wire.postgres.frontend.PasswordMessage;
import dev.tracegate.wire.postgres.frontend.Query;
import dev.tracegate.wire.postgres.frontend.SaslInitialResponse;
import dev.tracegate.wire.postgres.frontend.SaslResponse;
import dev.tracegate.wire.postgres.frontend.StartupPacket;
import dev.tracegate.wire.postgres.frontend.Sync;
import dev.tracegate.wire.postgres.frontend.Terminate;
import java.util.List;

/**
 * Coverage-guided fuzzing of every message decoder ({@code ./fuzz PgDecodersFuzzTest}); in {@code ./test}
 * each target replays its kept inputs from {@code PgDecodersFuzzTestInputs/}.
 *
 * <p>Beyond "no crash": a decoder either refuses a body with {@link ProtocolException} or returns a
 * message that holds no more elements and bytes than the body it came from (nothing sized by a
 * count the peer declared without the bytes to back it), and whose encoding decodes to the same
 * message again.
 */
class PgDecodersFuzzTest {

    /** A message decoder as the relays use it: the body of one frame in, a message or a refusal out. */
    @FunctionalInterface
    interface Decoder {
        PgMessage decode(byte[] body) throws ProtocolException;
    }

    private static final List<Decoder> FRONTEND = List.of(Bind::decode, Close::decode, CopyFail::decode,
            Describe::decode, Execute::decode, Flush::decode, FunctionCall::decode, Parse::decode,
            PasswordMessage::decode, Query::decode, SaslInitialResponse::decode, SaslResponse::decode, Sync::decode,
            Terminate::decode, CopyData::decode, CopyDone::decode);

    private static final List<Decoder> BACKEND = List.of(Authentication::decode, BackendKeyData::decode,
            BindComplete::decode, CloseComplete::decode, CommandComplete::decode, CopyBothResponse::decode,
            CopyInResponse::decode, CopyOutResponse::decode, DataRow::decode, EmptyQueryResponse::decode,
            ErrorResponse::decode, FunctionCallResponse::decode, NegotiateProtocolVersion::decode, NoData::decode,
            NoticeResponse::decode, NotificationResponse::decode, ParameterDescription::decode,
            ParameterStatus::decode, ParseComplete::decode, PortalSuspended::decode, ReadyForQuery::decode,
            RowDescription::decode, CopyData::decode, CopyDone::decode);

    @FuzzTest
    void frontendMessage(FuzzedDataProvider data) {
        Decoder decoder = data.pickValue(FRONTEND);
        decodeAndCheck(decoder, data.consumeRemainingAsBytes());
    }

    @FuzzTest
    void backendMessage(FuzzedDataProvider data) {
        Decoder decoder = data.pickValue(BACKEND);
        decodeAndCheck(decoder, data.consumeRemainingAsBytes());
    }

    @FuzzTest
    void startupPacket(byte[] body) {
        StartupPacket packet;
        try {
            packet = StartupPacket.decode(body);
        } catch (ProtocolException refused) {
            return;
        }
        assertThat(DecodedSize.of(packet)).as("decoded size of %s", packet).isLessThanOrEqualTo(body.length);
        byte[] encoded = packet.encodeBody();
        try {
            assertThat(StartupPacket.decode(encoded).encodeBody()).isEqualTo(encoded);
        } catch (ProtocolException e) {
            throw new AssertionError("the encoding of " + packet + " does not decode: " + e.getMessage(), e);
        }
    }

    private static void decodeAndCheck(Decoder decoder, byte[] body) {
        PgMessage message;
        try {
            message = decoder.decode(body);
        } catch (ProtocolException refused) {
            return;
        }
        assertThat(DecodedSize.of(message)).as("decoded size of %s", message).isLessThanOrEqualTo(body.length);
        PgFrame encoded = message.encode();
        try {
            assertThat(decoder.decode(encoded.body()).encode()).isEqualTo(encoded);
        } catch (ProtocolException e) {
            throw new AssertionError("the encoding of " + message + " does not decode: " + e.getMessage(), e);
        }
    }
}
