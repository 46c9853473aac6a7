/** RFC 8785 JSON Canonicalization Scheme, the encoding of every event. */
package dev.tracegate.ledger.jcs;
