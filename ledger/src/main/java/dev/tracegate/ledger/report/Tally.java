package dev.tracegate.ledger.report;

/** A count being accumulated, with the leaves that make it up. */
final class Tally {
    private long value;
    private final LeafSet leaves = new LeafSet();

    /** One more, evidenced by leaf {@code index}. */
    Tally count(long index) {
        return add(1, index);
    }

    /** {@code amount} more (a summary event's count, a number of masked values), evidenced by leaf {@code index}. */
    Tally add(long amount, long index) {
        value += amount;
        leaves.add(index);
        return this;
    }

    /** A leaf that supports the figure without adding to it (the decision of a counted approval). */
    Tally cite(long index) {
        leaves.add(index);
        return this;
    }

    long value() {
        return value;
    }

    LeafSet leaves() {
        return leaves;
    }
}
