package dev.tracegate.wire.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of every MySQL message decoder ({@code ./fuzz MysqlDecodersFuzzTest}); in
 * {@code ./test} each target replays its kept inputs from {@code MysqlDecodersFuzzTestInputs/}.
 *
 * <p>Beyond "no crash": a decoder either refuses a payload with {@link MysqlProtocolException} or
 * returns a message that holds no more values, bytes and characters than the payload it came from
 * (nothing sized by a count or length the peer declared without the bytes to back it). The row and
 * execute decoders get the context the relay gives them (column count, column types, the
 * statement's parameter count, earlier bound types, long-data parameters) fuzzed too, and every value
 * of a decoded binary row or execute can be turned into text (what masking reads) without an exception.
 */
class MysqlDecodersFuzzTest {

    /** A decoder as the relay uses it: one payload in, a message or a refusal out. */
    @FunctionalInterface
    interface Decoder {
        Object decode(byte[] payload) throws MysqlProtocolException;
    }

    /** Decoders that need the relay's context, which the fuzzer supplies first. */
    @FunctionalInterface
    interface ContextualDecoder {
        Decoder withContext(FuzzedDataProvider data);
    }

    private static final int[] TYPES = {FieldType.DECIMAL, FieldType.TINY, FieldType.SHORT, FieldType.LONG,
            FieldType.FLOAT, FieldType.DOUBLE, FieldType.NULL, FieldType.TIMESTAMP, FieldType.LONGLONG, FieldType.INT24,
            FieldType.DATE, FieldType.TIME, FieldType.DATETIME, FieldType.YEAR, FieldType.NEWDATE, FieldType.VARCHAR,
            FieldType.BIT, FieldType.TIMESTAMP2, FieldType.DATETIME2, FieldType.TIME2, FieldType.JSON,
            FieldType.NEWDECIMAL, FieldType.ENUM, FieldType.SET, FieldType.TINY_BLOB, FieldType.MEDIUM_BLOB,
            FieldType.LONG_BLOB, FieldType.BLOB, FieldType.VAR_STRING, FieldType.STRING, FieldType.GEOMETRY};

    private static final List<Decoder> CLIENT = List.of(HandshakeResponse41::decode, SslRequest::decode,
            payload -> SslRequest.matches(payload), AuthSwitchResponse::decode, ComQuery::decode, ComInitDb::decode,
            ComStmtPrepare::decode, ComStmtClose::decode, ComStmtReset::decode, ComStmtSendLongData::decode,
            ComStmtExecute::statementId, CommandType::of);

    private static final List<Decoder> SERVER = List.of(HandshakeV10::decode, OkPacket::decode, ErrPacket::decode,
            EofPacket::decode, ColumnDefinition41::decode, ComStmtPrepareOk::decode, AuthSwitchRequest::decode,
            AuthMoreData::decode);

    private static final List<ContextualDecoder> CONTEXTUAL = List.of(
            data -> {
                int columns = data.consumeInt(0, 1 << 16);
                return payload -> TextRow.decode(payload, columns);
            },
            data -> {
                int[] types = types(data, data.consumeInt(0, 300));
                return payload -> {
                    BinaryRow row = BinaryRow.decode(payload, types);
                    texts(types, row.values(), data.consumeBoolean());
                    return row;
                };
            },
            data -> {
                int parameters = data.consumeInt(0, 0xFFFF);
                int[] previous = data.consumeBoolean() ? types(data, parameters) : null;
                boolean[] longData = data.consumeBoolean() ? data.consumeBooleans(data.consumeInt(0, 64)) : null;
                return payload -> {
                    ComStmtExecute execute = ComStmtExecute.decode(payload, parameters, previous, longData);
                    int[] lowBytes = java.util.Arrays.stream(execute.types()).map(type -> type & 0xFF).toArray();
                    texts(lowBytes, execute.values(), false);
                    return execute;
                };
            });

    @FuzzTest
    void clientMessage(FuzzedDataProvider data) {
        decodeAndCheck(data.pickValue(CLIENT), data.consumeRemainingAsBytes());
    }

    @FuzzTest
    void serverMessage(FuzzedDataProvider data) {
        decodeAndCheck(data.pickValue(SERVER), data.consumeRemainingAsBytes());
    }

    @FuzzTest
    void resultRowOrExecute(FuzzedDataProvider data) {
        Decoder decoder = data.pickValue(CONTEXTUAL).withContext(data);
        decodeAndCheck(decoder, data.consumeBytes(data.consumeInt(0, 1 << 16)));
    }

    private static void decodeAndCheck(Decoder decoder, byte[] payload) {
        Object message;
        try {
            message = decoder.decode(payload);
        } catch (MysqlProtocolException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(size(message)).as("values, bytes and characters of %s", message).isLessThanOrEqualTo(payload.length);
    }

    /** Every value in a message counted by its bytes or characters. */
    private static long size(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>) {
            return 0;
        }
        if (value instanceof ErrPacket err) {
            return size(err.message()); // its SQLSTATE is five fixed bytes, or HY000 for an error without one
        }
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        if (value instanceof String text) {
            return text.length();
        }
        if (value instanceof int[]) {
            return 0; // types: the relay's context, or two bytes each in the payload, counted by the values
        }
        if (value instanceof byte[][] values) {
            // a value in a row or an execute costs at least a bit of the NULL bitmap, plus its bytes
            long total = (values.length + 7) / 8;
            for (byte[] bytes : values) {
                total += bytes == null ? 0 : bytes.length;
            }
            return total;
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().mapToLong(entry -> size(entry.getKey()) + size(entry.getValue())).sum();
        }
        if (value.getClass().isRecord()) {
            long total = 0;
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                try {
                    total += size(component.getAccessor().invoke(value));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return total;
        }
        throw new AssertionError("no size for " + value.getClass());
    }

    private static int[] types(FuzzedDataProvider data, int count) {
        int[] types = new int[count];
        for (int i = 0; i < count; i++) {
            types[i] = TYPES[data.consumeInt(0, TYPES.length - 1)];
        }
        return types;
    }

    private static void texts(int[] types, byte[][] values, boolean unsigned) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                BinaryValue.text(types[i], unsigned, values[i]);
            }
        }
    }
}
