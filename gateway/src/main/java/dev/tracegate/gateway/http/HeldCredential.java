package dev.tracegate.gateway.http;

import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The header that carries a target's held credential ({@code bearer}, {@code basic} or
 * {@code header}), read from its secret reference when the secret may have changed rather than on
 * every request.
 *
 * <p>A {@code file:} secret is rotated by rewriting or replacing the file, and the next request
 * must carry the new value. Reading the file per request did that at the price of an open, a read
 * and a decode per request (2 % of the HTTP path's CPU). Instead, each request looks at the file's
 * attributes (one {@code stat}, following links): a changed modification time, size or file key
 * (inode: a file replaced by a rename, or a Kubernetes secret's symbolic link swapped) reads it
 * again, so a rotation still takes effect at the next request. The attributes are taken
 * <em>before</em> the read, so a change that races with the read is seen at the next request, never
 * lost. A rewrite that keeps the size within the file system's timestamp granularity (a few
 * milliseconds) would leave the attributes unchanged, so a value read more than
 * {@link #MAX_AGE_MILLIS} ms ago is read again regardless. An {@code env:} secret cannot change in
 * a running process and is read once.
 */
final class HeldCredential {

    /** How long a read value is trusted while the file's attributes stay the same. */
    static final long MAX_AGE_MILLIS = 1000;
    private static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MILLIS);

    /** A header to set on the request to the target. */
    record Header(String name, String value) {
        @Override
        public String toString() {
            return name + ": [REDACTED]"; // never the value, in a log line or an exception
        }
    }

    /** The header as read, with the file's attributes at the time (null for an env: secret). */
    private record Read(Header header, Object fileKey, FileTime modified, long size, long atNanos) {

        boolean current(BasicFileAttributes now, long nanos) {
            return now != null && Objects.equals(fileKey, now.fileKey()) && modified.equals(now.lastModifiedTime())
                    && size == now.size() && nanos - atNanos < MAX_AGE_NANOS;
        }
    }

    private final HttpCredentialConfig credential;
    private final Path file;
    private volatile Read last;

    private HeldCredential(HttpCredentialConfig credential) {
        this.credential = credential;
        this.file = credential.secret().file();
    }

    /** The credential sent in a header, or null when the target gets none or a client certificate. */
    static HeldCredential of(HttpCredentialConfig credential) {
        return credential == null || credential.type().equals("mtls") ? null : new HeldCredential(credential);
    }

    /**
     * Whether a caller's header is the one this credential is sent in, read as a target may read it
     * (any case, underscores as hyphens): {@code X_Api_Key} beside the held {@code X-Api-Key} is the
     * same header to a target that folds names, and it may take the caller's value.
     */
    boolean sentIn(String name) {
        String held = credential.type().equals("header") ? credential.header() : "Authorization";
        return HeaderRules.sameName(name, held);
    }

    /** The header, read again first if the secret may have changed. */
    Header header() {
        Read read = last;
        if (file == null) {
            if (read == null) {
                read = new Read(header(credential.secret().resolve()), null, null, 0, 0);
                last = read;
            }
            return read.header();
        }
        BasicFileAttributes attributes = attributes(file);
        long now = System.nanoTime();
        if (read != null && read.current(attributes, now)) {
            return read.header();
        }
        // resolve() fails with a message naming the file (never the value) if it cannot be read.
        Header header = header(credential.secret().resolve());
        if (attributes != null) {
            last = new Read(header, attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), now);
        }
        return header;
    }

    private Header header(String secret) {
        return switch (credential.type()) {
            case "bearer" -> new Header("Authorization", "Bearer " + secret);
            case "basic" -> new Header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((credential.username() + ":" + secret).getBytes(StandardCharsets.UTF_8)));
            default -> new Header(credential.header(), secret);
        };
    }

    /** The file's attributes, or null when they cannot be read (the read that follows says why). */
    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }
}
