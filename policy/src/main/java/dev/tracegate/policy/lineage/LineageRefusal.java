package dev.tracegate.policy.lineage;

/** Thrown inside the analysis when a statement must be refused; carries the reason for the caller. */
final class LineageRefusal extends RuntimeException {

    private final boolean catalogMayBeStale;

    LineageRefusal(String reason) {
        this(reason, false);
    }

    /**
     * @param catalogMayBeStale a name was not found in the catalog snapshot: a fresher one (an
     *                          object created a moment ago) may change the answer
     */
    LineageRefusal(String reason, boolean catalogMayBeStale) {
        super(reason, null, false, false);
        this.catalogMayBeStale = catalogMayBeStale;
    }

    boolean catalogMayBeStale() {
        return catalogMayBeStale;
    }

    String reason() {
        return getMessage();
    }
}
