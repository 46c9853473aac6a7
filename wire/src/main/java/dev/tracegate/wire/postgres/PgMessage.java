package dev.tracegate.wire.postgres;

/** A typed protocol message that can be written as one frame. */
public interface PgMessage {

    PgFrame encode();
}
