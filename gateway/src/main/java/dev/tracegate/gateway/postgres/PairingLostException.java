package dev.tracegate.gateway.postgres;

/**
 * The server sent a message the gateway cannot pair with certainty with the client message it
 * answers. Nothing more of the session may be forwarded: rows could otherwise leave under another
 * command's masking, and be recorded under another command.
 */
final class PairingLostException extends Exception {

    PairingLostException(String message) {
        super(message);
    }
}
