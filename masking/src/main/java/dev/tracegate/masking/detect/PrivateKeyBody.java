package dev.tracegate.masking.detect;

import java.util.Base64;

/**
 * How a private key's body starts, read from its first Base64 characters when its header is not
 * there to say so (a key's lines after {@code OFFSET 1}, a body whose armor was cut off): a DER
 * SEQUENCE whose first element is a one-byte version INTEGER, 0 to 3, followed by a SEQUENCE, an
 * INTEGER or an OCTET STRING (PKCS#1, PKCS#8, SEC 1 and PKCS#12 start so), or OpenSSH's {@code
 * openssh-key-v1}. A certificate, a request and a public key start with a SEQUENCE in a SEQUENCE;
 * random Base64 holds such a start about once in 2^40.
 */
public final class PrivateKeyBody {

    /** What a body's first characters show. */
    public enum Start { NONE, PRIVATE_KEY, OTHER_DER }

    /** {@code openssh-key-v1} in Base64. */
    private static final String OPENSSH = "b3BlbnNzaC1rZXktdjE";
    /** The Base64 characters whose nine bytes say what a DER starts with. */
    private static final int READ = 12;

    private PrivateKeyBody() {
    }

    /** What the Base64 at {@code start} of {@code text} starts: a private key, another DER, or nothing known. */
    public static Start at(CharSequence text, int start) {
        if (SecretDetector.startsWith(text, start, OPENSSH)) {
            return Start.PRIVATE_KEY;
        }
        if (start + READ > text.length() || text.charAt(start) != 'M') {
            return Start.NONE;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.subSequence(start, start + READ).toString());
        } catch (IllegalArgumentException e) {
            return Start.NONE;
        }
        int length = bytes[1] & 0xff;
        int element = length < 0x80 ? 2 : length >= 0x81 && length <= 0x83 ? 2 + (length - 0x80) : -1;
        if (bytes[0] != 0x30 || element < 0) {
            return Start.NONE;
        }
        boolean version = bytes[element] == 0x02 && bytes[element + 1] == 0x01 && (bytes[element + 2] & 0xff) <= 3;
        byte next = bytes[element + 3];
        return version && (next == 0x30 || next == 0x02 || next == 0x04) ? Start.PRIVATE_KEY : Start.OTHER_DER;
    }
}
