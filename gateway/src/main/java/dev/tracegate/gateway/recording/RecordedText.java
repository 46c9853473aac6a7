package dev.tracegate.gateway.recording;

import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.config.MaskingConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Client-written text as the evidence keeps it: a statement, a bind parameter, an HTTP request
 * line with its query string. Recognisable credentials (passwords in URLs and connection strings,
 * {@code password=}, {@code api_key=}, bearer tokens, cloud keys, JWTs, private keys) become
 * {@code [SECRET]}; everything else is kept as the client sent it, since it is the caller's own input.
 */
public final class RecordedText {

    private static final ColumnRef TEXT = ColumnRef.expression("client text");
    private static final Masker SECRETS = new Masker(MaskingProfile.from(
            new MaskingConfig(List.of(EntityType.SECRET), null, List.of(), null, null, null, null, null), null));

    private RecordedText() {
    }

    /** SHA-256 of the text as the client sent it (UTF-8, hex): recorded when credentials were taken out of it. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    /** The text without recognisable credentials; the same string when there are none; null stays null. */
    public static String withoutCredentials(String text) {
        if (text == null) {
            return null;
        }
        String masked = SECRETS.maskText(TEXT, text, new MaskingReport()).value();
        return masked == null ? "[withheld: it could not be scanned for credentials]" : masked;
    }
}
