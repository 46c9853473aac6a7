package dev.tracegate.gateway.postgres;

import dev.tracegate.wire.postgres.backend.BindComplete;
import dev.tracegate.wire.postgres.backend.CloseComplete;
import dev.tracegate.wire.postgres.backend.ErrorResponse;
import dev.tracegate.wire.postgres.backend.ParseComplete;
import dev.tracegate.wire.postgres.backend.TransactionStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The server's prepared statements and portals, as its answers confirm them.
 *
 * <p>The client side records an Execute with the text of the statement it expects the portal to
 * run, before the server has answered the Parse and Bind before it (write-ahead, pipelining). That
 * expectation can be wrong: a Parse the server skipped after an error leaves the previous unnamed
 * statement in place, a Parse of a name that exists fails and keeps the old one, a skipped Close
 * closes nothing. Here the namespace follows only what the server confirmed, and an Execute
 * whose portal runs another statement than the one recorded is caught before any of its rows
 * are forwarded.
 *
 * <p>Used by the server-side relay thread only.
 */
final class StatementNamespace {

    private final Map<String, Object> statements = new HashMap<>();
    private final Map<String, Object> portals = new HashMap<>();

    /**
     * The first answer to {@code message} arrived.
     *
     * @throws PairingLostException when an Execute's portal runs another statement than the one recorded
     */
    void answered(InFlightCommand message, byte type) throws PairingLostException {
        boolean failed = type == ErrorResponse.TYPE;
        switch (message.kind) {
            case PARSE -> {
                if (type == ParseComplete.TYPE) {
                    statements.put(message.statementName, message.statement);
                } else if (message.statementName.isEmpty()) {
                    // The unnamed statement is dropped before the new one is parsed.
                    statements.remove("");
                }
            }
            case BIND -> {
                if (type == BindComplete.TYPE) {
                    portals.put(message.portalName, statements.get(message.statementName));
                } else {
                    portals.remove(message.portalName);
                }
            }
            case CLOSE -> {
                if (type == CloseComplete.TYPE) {
                    (message.statementName != null ? statements : portals)
                            .remove(message.statementName != null ? message.statementName : message.portalName);
                }
            }
            case QUERY -> {
                // A simple query replaces the unnamed statement and portal with its own.
                statements.remove("");
                portals.remove("");
            }
            case EXECUTE -> {
                if (!failed && portals.get(message.portalName) != message.statement) {
                    throw new PairingLostException("the server runs portal \"" + message.portalName + "\" with another"
                            + " statement than the one the gateway recorded for " + message);
                }
            }
            default -> {
                // Nothing else creates or drops statements or portals.
            }
        }
    }

    /**
     * SQL prepared or dropped these names ({@code PREPARE}, {@code DEALLOCATE}) and the server confirmed
     * it: what a Parse made under them is gone, and a Bind of one binds a statement the gateway judges
     * as the {@code EXECUTE} of it.
     */
    void namedBySql(Set<String> names) {
        statements.keySet().removeAll(names);
    }

    /** Portals end with their transaction (cursors declared WITH HOLD are SQL's, not the protocol's). */
    void ready(TransactionStatus status) {
        if (status == TransactionStatus.IDLE) {
            portals.clear();
        }
    }
}
