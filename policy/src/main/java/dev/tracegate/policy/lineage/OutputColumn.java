package dev.tracegate.policy.lineage;

/** A column a query produces: its output name (null when it has none we can know) and its lineage. */
record OutputColumn(String name, Lineage lineage) {
}
