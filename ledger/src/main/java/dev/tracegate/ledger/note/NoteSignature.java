package dev.tracegate.ledger.note;

import java.util.Arrays;
import java.util.HexFormat;

/** One signature line of a signed note: key name, key id, and the signature bytes after the id. */
public record NoteSignature(String keyName, int keyId, byte[] signature) {
    public NoteSignature {
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** {@code name+keyid}, how signed-note tooling names a key. */
    public String keyLabel() {
        return keyName + "+" + HexFormat.of().toHexDigits(keyId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteSignature other && keyName.equals(other.keyName) && keyId == other.keyId
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return (keyName.hashCode() * 31 + keyId) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "NoteSignature[" + keyLabel() + "]";
    }
}
