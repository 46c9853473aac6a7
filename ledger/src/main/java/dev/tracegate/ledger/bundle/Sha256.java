package dev.tracegate.ledger.bundle;

import dev.tracegate.ledger.merkle.MerkleHashes;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Plain SHA-256 of files and streams, in the lowercase hex that sha256sum prints. */
final class Sha256 {
    private Sha256() {}

    static String hex(byte[] data) {
        return HexFormat.of().formatHex(MerkleHashes.newSha256().digest(data));
    }

    static String hex(InputStream in) throws IOException {
        MessageDigest digest = MerkleHashes.newSha256();
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
