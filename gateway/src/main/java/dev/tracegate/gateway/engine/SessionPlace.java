package dev.tracegate.gateway.engine;

/** A session's place among those its identity and its address may hold; the engine closes it when the session ends. */
public interface SessionPlace extends AutoCloseable {

    /** Frees the place; closing it again does nothing. */
    @Override
    void close();
}
