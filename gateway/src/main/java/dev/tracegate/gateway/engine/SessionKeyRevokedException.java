package dev.tracegate.gateway.engine;

import java.io.IOException;

/**
 * A session's command was refused because the key it signed in with no longer stands
 * ({@link Admission.Refused#endsSession()}): the session ends. An {@link IOException} so that it
 * unwinds a relay the way a lost connection does, through the cleanup every relay already has;
 * the engine that catches it tells the client why in its protocol first.
 */
public final class SessionKeyRevokedException extends IOException {

    public SessionKeyRevokedException(Admission.Refused refused) {
        super(refused.message());
    }
}
