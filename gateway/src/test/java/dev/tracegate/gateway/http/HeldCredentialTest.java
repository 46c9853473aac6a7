package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.config.ConfigException;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The held credential on real files: a rotation is seen at the next request however the file was
 * rotated, though the file is no longer read for every request.
 */
class HeldCredentialTest {

    @TempDir
    Path dir;

    @Test
    void aFileRewrittenInPlaceWithTheSameLengthIsReadAgain() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first-secret-0001");
        HeldCredential credential = bearer(file);
        assertThat(credential.header().value()).isEqualTo("Bearer first-secret-0001");
        FileTime written = Files.getLastModifiedTime(file);

        Files.writeString(file, "second-secret-002");
        // The worst case for a cache: same size, and a modification time that moved by the least a file system shows.
        Files.setLastModifiedTime(file, FileTime.fromMillis(written.toMillis() + 1));
        assertThat(credential.header().value()).isEqualTo("Bearer second-secret-002");
    }

    @Test
    void aFileReplacedByARenameIsReadAgainEvenWithItsOldSizeAndTime() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first-secret-0001");
        HeldCredential credential = bearer(file);
        assertThat(credential.header().value()).isEqualTo("Bearer first-secret-0001");
        FileTime written = Files.getLastModifiedTime(file);

        // How secret stores and Kubernetes rotate: a new file (a new inode) moved over the old name.
        Path next = dir.resolve("token.next");
        Files.writeString(next, "second-secret-002");
        Files.setLastModifiedTime(next, written);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(credential.header().value()).isEqualTo("Bearer second-secret-002");
    }

    @Test
    void aLinkSwappedToAnotherFileIsFollowed() throws Exception {
        Path first = Files.writeString(dir.resolve("v1"), "first-secret-0001");
        Path second = Files.writeString(dir.resolve("v2"), "second-secret-002");
        Files.setLastModifiedTime(second, Files.getLastModifiedTime(first));
        Path link = Files.createSymbolicLink(dir.resolve("token"), first);
        HeldCredential credential = bearer(link);
        assertThat(credential.header().value()).isEqualTo("Bearer first-secret-0001");

        Path swap = Files.createSymbolicLink(dir.resolve("token.swap"), second);
        Files.move(swap, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(credential.header().value()).isEqualTo("Bearer second-secret-002");
    }

    @Test
    void basicAndHeaderCredentialsAreBuiltFromTheSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "s3cret\n");
        HeldCredential basic = HeldCredential.of(new HttpCredentialConfig("basic", null, "svc",
                SecretReference.of("file:" + file)));
        assertThat(basic.header()).isEqualTo(new HeldCredential.Header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8))));
        HeldCredential header = HeldCredential.of(new HttpCredentialConfig("header", "X-Api-Key", null,
                SecretReference.of("file:" + file)));
        assertThat(header.header()).isEqualTo(new HeldCredential.Header("X-Api-Key", "s3cret"));
        assertThat(header.header().toString()).doesNotContain("s3cret");
        assertThat(HeldCredential.of(new HttpCredentialConfig("mtls", null, null, SecretReference.of("file:" + file),
                "client.p12"))).as("a client certificate is no header").isNull();
    }

    @Test
    void aSecretFileThatDisappearsFailsEveryRequestNamingTheFileNotTheValue() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "first-secret-0001");
        HeldCredential credential = bearer(file);
        assertThat(credential.header().value()).isEqualTo("Bearer first-secret-0001");
        Files.delete(file);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(credential::header).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(file.toString()).hasMessageNotContaining("first-secret");
        }
    }

    private static HeldCredential bearer(Path file) {
        return HeldCredential.of(new HttpCredentialConfig("bearer", null, null, SecretReference.of("file:" + file)));
    }
}
