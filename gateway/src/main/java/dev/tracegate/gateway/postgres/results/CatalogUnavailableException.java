package dev.tracegate.gateway.postgres.results;

/** The upstream catalog could not answer: result columns cannot be attributed to tables. */
public final class CatalogUnavailableException extends Exception {

    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
