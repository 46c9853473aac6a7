package dev.tracegate.gateway.lineage;

/** The upstream catalog could not answer: result columns cannot be attributed to tables, statements not checked. */
public final class CatalogUnavailableException extends Exception {

    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
