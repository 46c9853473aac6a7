/** Export bundles (evidence-log spec sections 5 and 6): the streaming writer and the verifier. */
package dev.tracegate.ledger.bundle;
