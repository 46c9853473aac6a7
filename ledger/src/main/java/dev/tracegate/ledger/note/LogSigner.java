package dev.tracegate.ledger.note;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;

/** Signs note texts and checkpoints as C2SP signed notes with one Ed25519 key. */
public final class LogSigner {
    private final String keyName;
    private final PrivateKey privateKey;
    private final VerifierKey verifierKey;

    public LogSigner(String keyName, PrivateKey privateKey) {
        this.keyName = KeyNames.require(keyName);
        this.privateKey = privateKey;
        this.verifierKey = new VerifierKey(keyName, Ed25519.publicKeyFromSeed(Ed25519.seed(privateKey)));
    }

    public VerifierKey verifierKey() {
        return verifierKey;
    }

    /** The signed note of a checkpoint: its body, an empty line, one signature line. */
    public String sign(Checkpoint checkpoint) {
        return signNote(checkpoint.body());
    }

    /** Signs any note text; the text must end in a newline and hold no control character but newline. */
    public String signNote(String text) {
        SignedNote.requireValidText(text);
        byte[] signature = Ed25519.sign(privateKey, text.getBytes(StandardCharsets.UTF_8));
        byte[] keyIdAndSignature = ByteBuffer.allocate(4 + signature.length).putInt(verifierKey.keyId()).put(signature).array();
        return text + "\n" + SignedNote.SIGNATURE_PREFIX + keyName + " " + Base64.getEncoder().encodeToString(keyIdAndSignature) + "\n";
    }

    @Override
    public String toString() {
        return "LogSigner[" + verifierKey.format() + "]";
    }
}
