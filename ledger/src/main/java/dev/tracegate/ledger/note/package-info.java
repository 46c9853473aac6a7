/** C2SP tlog-checkpoint bodies in C2SP signed notes, signed with Ed25519, and the log key files. */
package dev.tracegate.ledger.note;
