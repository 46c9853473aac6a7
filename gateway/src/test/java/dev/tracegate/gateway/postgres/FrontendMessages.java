package dev.tracegate.gateway.postgres;

import dev.tracegate.wire.postgres.CopyData;
import dev.tracegate.wire.postgres.CopyDone;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.frontend.Bind;
import dev.tracegate.wire.postgres.frontend.Close;
import dev.tracegate.wire.postgres.frontend.CopyFail;
import dev.tracegate.wire.postgres.frontend.Describe;
import dev.tracegate.wire.postgres.frontend.Execute;
import dev.tracegate.wire.postgres.frontend.Flush;
import dev.tracegate.wire.postgres.frontend.FunctionCall;
import dev.tracegate.wire.postgres.frontend.Parse;
import dev.tracegate.wire.postgres.frontend.Query;
import dev.tracegate.wire.postgres.frontend.Sync;
import java.nio.charset.StandardCharsets;

/** Short names for the frontend messages raw-protocol tests send. */
final class FrontendMessages {

    private FrontendMessages() {
    }

    static PgFrame query(String sql) {
        return new Query(sql).encode();
    }

    static PgFrame parse(String statement, String sql) {
        return new Parse(statement, sql, new int[0]).encode();
    }

    /** Bind with text parameters and text results. */
    static PgFrame bind(String portal, String statement, String... parameters) {
        byte[][] values = new byte[parameters.length][];
        for (int i = 0; i < parameters.length; i++) {
            values[i] = parameters[i] == null ? null : parameters[i].getBytes(StandardCharsets.UTF_8);
        }
        return new Bind(portal, statement, new short[0], values, new short[0]).encode();
    }

    static PgFrame execute(String portal) {
        return execute(portal, 0);
    }

    static PgFrame execute(String portal, int maxRows) {
        return new Execute(portal, maxRows).encode();
    }

    static PgFrame describePortal(String portal) {
        return Describe.portal(portal).encode();
    }

    static PgFrame describeStatement(String statement) {
        return Describe.statement(statement).encode();
    }

    static PgFrame closePortal(String portal) {
        return Close.portal(portal).encode();
    }

    static PgFrame closeStatement(String statement) {
        return Close.statement(statement).encode();
    }

    static PgFrame sync() {
        return Sync.INSTANCE.encode();
    }

    static PgFrame flush() {
        return Flush.INSTANCE.encode();
    }

    static PgFrame copyData(String text) {
        return new CopyData(text.getBytes(StandardCharsets.UTF_8)).encode();
    }

    static PgFrame copyDone() {
        return CopyDone.INSTANCE.encode();
    }

    static PgFrame copyFail(String reason) {
        return new CopyFail(reason).encode();
    }

    /** A fast-path call with text arguments and a text result. */
    static PgFrame functionCall(int oid, String... arguments) {
        byte[][] values = new byte[arguments.length][];
        for (int i = 0; i < arguments.length; i++) {
            values[i] = arguments[i].getBytes(StandardCharsets.UTF_8);
        }
        return new FunctionCall(oid, new short[0], values, (short) 0).encode();
    }
}
