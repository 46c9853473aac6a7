package dev.tracegate.gateway.recording;

/**
 * One value the evidence does not keep as the client wrote it: where its replacement is, what it
 * was, and a keyed hash of the original. An auditor who holds the gateway's masking key confirms
 * a value by computing HMAC-SHA256 over its UTF-8 bytes and comparing; without the key the hash
 * confirms nothing, however few values are possible (a plain SHA-256 of a card number or a birth
 * date would: anyone could try them all).
 *
 * @param parameter the bind parameter or function argument it was in, from 1; {@code null} for the text
 * @param header    the HTTP request header it was in (lower case); {@code null} for the text
 * @param at        where the replacement starts in the recorded text (or parameter), in Unicode code points
 * @param length    the replacement's length, in code points
 * @param entity    what the value was: EMAIL, CARD, SSN, a column rule's entity, VALUE (a value for a
 *                  column the statement does not name), SECRET, WITHHELD
 * @param hmac      HMAC-SHA256 of the original value with the masking key, lower-case hex; {@code null}
 *                  for credentials, which no one should be able to confirm offline, key or not
 */
public record Redaction(Integer parameter, String header, int at, int length, String entity, String hmac) {

    /** The same redaction, found in HTTP request header {@code name} rather than in the text. */
    Redaction inHeader(String name) {
        return new Redaction(null, name, at, length, entity, hmac);
    }
}
