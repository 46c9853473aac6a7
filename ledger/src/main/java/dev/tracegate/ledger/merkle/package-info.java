/**
 * RFC 9162 section 2.1 Merkle trees: hashing, roots, inclusion and consistency proofs. Proofs are
 * built from stored complete-subtree hashes ({@link dev.tracegate.ledger.merkle.SubtreeHashes}) so
 * that a database-backed log serves them in O(log n) reads and appends in O(log n) writes per leaf.
 */
package dev.tracegate.ledger.merkle;
