/**
 * Tracegate ledger: the evidence log format, usable standalone by auditors. {@link
 * dev.tracegate.ledger.VerifyCommand} verifies an export bundle from the command line.
 *
 * <ul>
 *   <li>{@code jcs}: RFC 8785 canonical JSON for events.
 *   <li>{@code merkle}: RFC 9162 tree hashing, proofs over stored subtree hashes, appends.
 *   <li>{@code note}: C2SP checkpoints and Ed25519 signed notes, log keys.
 *   <li>{@code bundle}: export bundles, writer and verifier.
 * </ul>
 */
package dev.tracegate.ledger;
