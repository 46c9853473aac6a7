package dev.tracegate.gateway.postgres;

/** The gateway ends a client's start-up with an error the client will see in its own protocol. */
final class ClientRefusedException extends Exception {
    private final String sqlState;

    ClientRefusedException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    String sqlState() {
        return sqlState;
    }
}
