package dev.tracegate.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedNoteTest {
    // Known-answer data from golang.org/x/mod sumdb/note/note_test.go (TestSign, TestOpen).
    static final String PETER_PRIVATE = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static final String PETER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static final String ENOCH_KEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    static final String TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    static final String PETER_SIG =
            "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    static final String ENOCH_SIG =
            "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    // A real sum.golang.org checkpoint and the Go checksum database's published key, as used in
    // github.com/transparency-dev/formats log/note_test.go (TestSumDBNoteParsing).
    static final String SUMDB_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
    static final String SUMDB_CHECKPOINT = "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n"
            + "\u2014 sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";

    @Test
    void goPrivateKeyDerivesThePublishedVerifierKeyAndSignsByteForByte() throws Exception {
        LogKeyPair peter = LogKeyPair.parsePrivateKey(PETER_PRIVATE);
        assertThat(peter.verifierKey().format()).isEqualTo(PETER_KEY);
        assertThat(peter.privateKeyLine()).isEqualTo(PETER_PRIVATE);
        assertThat(peter.signer().signNote(TEXT)).isEqualTo(TEXT + "\n" + PETER_SIG);
    }

    @Test
    void opensGoNotesIgnoringSignaturesByOtherKeys() throws Exception {
        String note = TEXT + "\n" + PETER_SIG + ENOCH_SIG;
        assertThat(SignedNote.open(note, VerifierKey.parse(PETER_KEY))).isEqualTo(TEXT);
        assertThat(SignedNote.open(note, VerifierKey.parse(ENOCH_KEY))).isEqualTo(TEXT);
        SignedNote parsed = SignedNote.parse(note);
        assertThat(parsed.signatures()).extracting(NoteSignature::keyLabel).containsExactly("PeterNeumann+c74f20a3", "EnochRoot+af0cfe78");
    }

    @Test
    void verifiesARealSumdbCheckpoint() throws Exception {
        Checkpoint checkpoint = SignedNote.verify(SUMDB_CHECKPOINT, VerifierKey.parse(SUMDB_KEY));
        assertThat(checkpoint.origin()).isEqualTo("go.sum database tree");
        assertThat(checkpoint.size()).isEqualTo(6476701);
        assertThat(Base64.getEncoder().encodeToString(checkpoint.rootHash())).isEqualTo("mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=");
        String tampered = SUMDB_CHECKPOINT.replace("6476701", "6476702");
        assertThatThrownBy(() -> SignedNote.verify(tampered, VerifierKey.parse(SUMDB_KEY)))
                .isInstanceOf(NoteException.class).hasMessageContaining("does not verify")
                .extracting(e -> ((NoteException) e).reason()).isEqualTo(NoteException.Reason.BAD_SIGNATURE);
    }

    @Test
    void checkpointSignVerifyRoundTrip() throws Exception {
        LogKeyPair key = LogKeyPair.generate("tracegate.example.com/prod");
        Checkpoint checkpoint = new Checkpoint("tracegate.example.com/prod", 42, new byte[32], List.of("ext one"));
        String note = key.signer().sign(checkpoint);
        assertThat(note).startsWith("tracegate.example.com/prod\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\n\n\u2014 tracegate.example.com/prod ");
        assertThat(SignedNote.verify(note, key.verifierKey())).isEqualTo(checkpoint);

        LogKeyPair other = LogKeyPair.generate("tracegate.example.com/prod");
        assertThatThrownBy(() -> SignedNote.verify(note, other.verifierKey()))
                .hasMessageContaining("not signed by tracegate.example.com/prod+" + other.verifierKey().keyIdHex())
                .hasMessageContaining("signed by: tracegate.example.com/prod+" + key.verifierKey().keyIdHex())
                .extracting(e -> ((NoteException) e).reason()).isEqualTo(NoteException.Reason.UNKNOWN_KEY);
        String forged = note.replace("\n42\n", "\n43\n");
        assertThatThrownBy(() -> SignedNote.verify(forged, key.verifierKey()))
                .extracting(e -> ((NoteException) e).reason()).isEqualTo(NoteException.Reason.BAD_SIGNATURE);
    }

    @Test
    void malformedNotesAndCheckpointsAreRejectedWithAReason() throws Exception {
        VerifierKey peter = VerifierKey.parse(PETER_KEY);
        for (String bad : List.of(TEXT, TEXT + "\n", TEXT + "\n" + PETER_SIG.strip(), "\u0001" + TEXT + "\n" + PETER_SIG,
                TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
                TEXT + "\n" + PETER_SIG + "Unexpected line.\n", TEXT + "\n" + "- PeterNeumann x08g\n")) {
            assertThatThrownBy(() -> SignedNote.open(bad, peter)).as(bad)
                    .extracting(e -> ((NoteException) e).reason()).isEqualTo(NoteException.Reason.MALFORMED);
        }
        assertThatThrownBy(() -> SignedNote.parse(new byte[] {'a', '\n', '\n', (byte) 0xff})).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n007\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")).hasMessageContaining("leading zeros");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n7\nAAAA\n")).hasMessageContaining("3 bytes, not 32");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n7\n")).hasMessageContaining("found 2 line");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")).hasMessageContaining("newline");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nx\n")).hasMessageContaining("empty");
    }

    @Test
    void verifierKeysAreCheckedOnParse() {
        assertThatThrownBy(() -> VerifierKey.parse(PETER_KEY.replace("c74f20a3", "c74f20a4"))).hasMessageContaining("does not match");
        assertThatThrownBy(() -> VerifierKey.parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
                .hasMessageContaining("not an Ed25519 key");
        assertThatThrownBy(() -> VerifierKey.parse("PeterNeumann+c74f20a3")).hasMessageContaining("<name>+<key id>+<base64 key>");
        assertThatThrownBy(() -> VerifierKey.parse(PETER_KEY + "=")).hasMessageContaining("base64");
        assertThatThrownBy(() -> LogKeyPair.parsePrivateKey(PETER_PRIVATE.replace("c74f20a3", "00000000")))
                .hasMessageContaining("does not match").hasMessageNotContaining("AYEKFALV");
    }

    @Test
    void keyFilesRoundTripAndStayPrivate(@TempDir Path dir) throws Exception {
        LogKeyPair key = LogKeyPair.generate("tracegate.example.com/test");
        Path privateFile = dir.resolve("log.key");
        key.savePrivateKey(privateFile);
        key.savePublicKey(dir.resolve("log.pub"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
        assertThat(Files.readString(privateFile)).startsWith("PRIVATE+KEY+tracegate.example.com/test+" + key.verifierKey().keyIdHex() + "+");
        assertThat(Files.readString(dir.resolve("log.pub"))).isEqualTo(key.verifierKey().format() + "\n");
        LogKeyPair loaded = LogKeyPair.load(privateFile);
        assertThat(loaded.verifierKey()).isEqualTo(key.verifierKey());
        assertThat(loaded.privateKeyLine()).isEqualTo(key.privateKeyLine());
        String secret = key.privateKeyLine().split("\\+", 5)[4]; // the base64 itself may contain '+'
        assertThat(secret).hasSize(44);
        assertThat(key.toString()).doesNotContain(secret).doesNotContain("PRIVATE").contains(key.verifierKey().format());
        assertThat(key.signer().toString()).doesNotContain(secret);
        assertThatThrownBy(() -> key.savePrivateKey(privateFile)).hasMessageContaining("refusing to overwrite");
    }

    @Test
    void jdkKeysConvertToAndFromRawBytes() {
        byte[] seed = Ed25519.newSeed();
        byte[] publicKey = Ed25519.publicKeyFromSeed(seed);
        assertThat(Ed25519.seed(Ed25519.privateKey(seed))).isEqualTo(seed);
        assertThat(Ed25519.rawPublicKey(Ed25519.publicKey(publicKey))).isEqualTo(publicKey);
        byte[] signature = Ed25519.sign(Ed25519.privateKey(seed), "hello".getBytes());
        assertThat(Ed25519.verify(publicKey, "hello".getBytes(), signature)).isTrue();
        assertThat(Ed25519.verify(publicKey, "hellO".getBytes(), signature)).isFalse();
        assertThat(Ed25519.verify(Ed25519.publicKeyFromSeed(Ed25519.newSeed()), "hello".getBytes(), signature)).isFalse();
    }
}
