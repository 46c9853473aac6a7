package dev.tracegate.gateway.mysql;

import dev.tracegate.wire.mysql.BinaryValue;
import dev.tracegate.gateway.engine.UnshownValue;
import dev.tracegate.wire.mysql.ComStmtExecute;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The statements the server prepared in one session, by the id it gave them: their text (what
 * each execute is decided and recorded as), their parameter count, the parameter types last
 * bound, and what long data each parameter has been sent since the last execute.
 */
final class PreparedStatements {

    /** How much of a parameter's long data the evidence keeps; the rest is counted. */
    static final int LONG_DATA_KEPT_BYTES = 64 * 1024;

    static final class Statement {
        final String sql;
        final int parameters;
        int[] boundTypes;
        final ByteArrayOutputStream[] longData;
        final long[] longDataBytes;

        Statement(String sql, int parameters) {
            this.sql = sql;
            this.parameters = parameters;
            this.longData = new ByteArrayOutputStream[parameters];
            this.longDataBytes = new long[parameters];
        }

        boolean[] longDataSent() {
            boolean[] sent = new boolean[parameters];
            for (int i = 0; i < parameters; i++) {
                sent[i] = longData[i] != null;
            }
            return sent;
        }

        void appendLongData(int parameter, byte[] data) {
            if (parameter < 0 || parameter >= parameters) {
                return;
            }
            if (longData[parameter] == null) {
                longData[parameter] = new ByteArrayOutputStream();
            }
            int room = (int) Math.max(0, LONG_DATA_KEPT_BYTES - longData[parameter].size());
            longData[parameter].write(data, 0, Math.min(room, data.length));
            longDataBytes[parameter] += data.length;
        }

        /**
         * The server ran an execute of this statement: it keeps the parameter types the execute bound
         * for the executes that bind none, and forgets the long data sent before it. Only then: an
         * execute the gateway refused never reached the server, which still has both, and reads the
         * next execute with them; so must the gateway, or it would show approvers and the evidence
         * values other than those the server runs.
         */
        void executed(ComStmtExecute execute) {
            if (execute.typesBound()) {
                boundTypes = execute.types();
            }
            resetLongData();
        }

        void resetLongData() {
            java.util.Arrays.fill(longData, null);
            java.util.Arrays.fill(longDataBytes, 0);
        }

        /** The execute's parameters as the evidence keeps them: text, {@code \x} hex for bytes, null for NULL. */
        List<String> parameters(ComStmtExecute execute) {
            List<String> values = new ArrayList<>(parameters);
            for (int i = 0; i < parameters; i++) {
                if (longData[i] != null) {
                    values.add(text(longData[i].toByteArray(), longDataBytes[i]));
                } else if (execute.values()[i] == null) {
                    values.add(null);
                } else {
                    String text = BinaryValue.text(execute.types()[i] & 0xFF, execute.unsigned(i), execute.values()[i]);
                    values.add(text != null ? text : "\\x" + HexFormat.of().formatHex(execute.values()[i]));
                }
            }
            return values;
        }

        /** The long data approvers would see cut short: an execute with any is not put to them. */
        List<UnshownValue> unshown() {
            List<UnshownValue> unshown = new ArrayList<>();
            for (int i = 0; i < parameters; i++) {
                if (longDataBytes[i] > LONG_DATA_KEPT_BYTES) {
                    unshown.add(new UnshownValue(i + 1, longDataBytes[i], LONG_DATA_KEPT_BYTES));
                }
            }
            return unshown;
        }

        private static String text(byte[] kept, long total) {
            String shown;
            try {
                shown = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(kept)).toString();
            } catch (CharacterCodingException e) {
                shown = "\\x" + HexFormat.of().formatHex(kept);
            }
            return total > kept.length ? shown + "... (" + total + " bytes of long data)" : shown;
        }
    }

    private final Map<Long, Statement> statements = new HashMap<>();
    private final int limit;

    /** @param limit how many statements one session may hold (each holds its text) */
    PreparedStatements(int limit) {
        this.limit = limit;
    }

    boolean full() {
        return statements.size() >= limit;
    }

    void prepared(long id, String sql, int parameters) {
        statements.put(id, new Statement(sql, parameters));
    }

    Statement get(long id) {
        return statements.get(id);
    }

    void closed(long id) {
        statements.remove(id);
    }

    /** COM_RESET_CONNECTION deallocates every statement. */
    void clear() {
        statements.clear();
    }
}
