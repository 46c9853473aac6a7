package dev.tracegate.gateway.evidence;

/**
 * The evidence log could not make an event durable. Callers fail closed: the command that needed
 * the event does not run.
 */
public class EvidenceLogUnavailableException extends Exception {
    public EvidenceLogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
