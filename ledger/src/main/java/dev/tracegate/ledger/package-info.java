/** Tracegate ledger. */
package dev.tracegate.ledger;
