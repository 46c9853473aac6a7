package dev.tracegate.gateway.postgres;

/**
 * The upstream could not be reached or refused the gateway. The message is shown to the client,
 * so it names the connection and the reason but never the held credential.
 */
public class UpstreamException extends Exception {
    private final String sqlState;

    public UpstreamException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
