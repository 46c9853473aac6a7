package dev.tracegate.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint signatures check out with the openssl CLI alone, as an auditor would do it. */
class OpensslInteropTest {
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    @Test
    void opensslVerifiesACheckpointSignatureAndRejectsAChangedBody(@TempDir Path dir) throws Exception {
        LogKeyPair key = LogKeyPair.generate("tracegate.example.com/prod");
        String note = key.signer().sign(new Checkpoint("tracegate.example.com/prod", 1234, new byte[32]));

        // What the auditor derives from log-key.pub and the checkpoint file, nothing else.
        String keyBase64 = key.verifierKey().format().split("\\+", 3)[2];
        byte[] rawKey = Arrays.copyOfRange(Base64.getDecoder().decode(keyBase64), 1, 33);
        Files.writeString(dir.resolve("pub.pem"), pem("PUBLIC KEY", Ed25519.spki(rawKey)));
        SignedNote parsed = SignedNote.parse(note);
        Files.writeString(dir.resolve("body"), parsed.text(), StandardCharsets.UTF_8);
        Files.write(dir.resolve("sig"), parsed.signatures().get(0).signature());

        assertThat(openssl(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "body", "-sigfile", "sig"))
                .isZero();

        Files.writeString(dir.resolve("body"), parsed.text().replace("1234", "1235"), StandardCharsets.UTF_8);
        assertThat(openssl(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "body", "-sigfile", "sig"))
                .isNotZero();
    }

    @Test
    void aSignatureMadeByOpensslFromTheSameSeedVerifiesHere(@TempDir Path dir) throws Exception {
        LogKeyPair key = LogKeyPair.generate("tracegate.example.com/prod");
        String seedBase64 = key.privateKeyLine().split("\\+", 5)[4];
        byte[] seed = Arrays.copyOfRange(Base64.getDecoder().decode(seedBase64), 1, 33);
        byte[] pkcs8 = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
        System.arraycopy(seed, 0, pkcs8, PKCS8_PREFIX.length, 32);
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", pkcs8));
        Checkpoint checkpoint = new Checkpoint("tracegate.example.com/prod", 7, new byte[32], List.of());
        Files.writeString(dir.resolve("body"), checkpoint.body());

        assertThat(openssl(dir, "pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-in", "body", "-out", "sig")).isZero();

        byte[] signature = Files.readAllBytes(dir.resolve("sig"));
        assertThat(key.verifierKey().verifies(checkpoint.body().getBytes(StandardCharsets.UTF_8), signature)).isTrue();
        assertThat(key.signer().sign(checkpoint)).contains(Base64.getEncoder().encodeToString(
                java.nio.ByteBuffer.allocate(68).putInt(key.verifierKey().keyId()).put(signature).array()));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static int openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        return process.exitValue();
    }
}
