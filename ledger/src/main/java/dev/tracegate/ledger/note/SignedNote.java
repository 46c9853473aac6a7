package dev.tracegate.ledger.note;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A C2SP signed note: text ending in a newline, an empty line, then signature lines
 * {@code — <key name> <base64(key id || signature)>}. The text is separated from the signatures by
 * the last empty line.
 */
public record SignedNote(String text, List<NoteSignature> signatures) {
    /** U+2014 EM DASH and a space. */
    public static final String SIGNATURE_PREFIX = "\u2014 ";

    /** Far above any real log's signature count, low enough to bound work on hostile input. */
    private static final int MAX_SIGNATURES = 100;

    public SignedNote {
        signatures = List.copyOf(signatures);
    }

    public static SignedNote parse(byte[] utf8) throws NoteException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
            return parse(text);
        } catch (CharacterCodingException e) {
            throw malformed("signed note is not valid UTF-8");
        }
    }

    public static SignedNote parse(String note) throws NoteException {
        if (!isValidUnicode(note) || note.chars().anyMatch(c -> c < 0x20 && c != '\n')) {
            throw malformed("signed note holds a control character other than newline, or invalid Unicode");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw malformed("signed note has no empty line before its signatures");
        }
        String text = note.substring(0, split + 1);
        String signatureBlock = note.substring(split + 2);
        if (signatureBlock.isEmpty() || !signatureBlock.endsWith("\n")) {
            throw malformed("signed note must end with signature lines, each ending in a newline");
        }
        String[] lines = signatureBlock.substring(0, signatureBlock.length() - 1).split("\n", -1);
        if (lines.length > MAX_SIGNATURES) {
            throw malformed("signed note has " + lines.length + " signatures, more than " + MAX_SIGNATURES);
        }
        List<NoteSignature> signatures = new ArrayList<>(lines.length);
        for (String line : lines) {
            signatures.add(parseSignatureLine(line));
        }
        return new SignedNote(text, signatures);
    }

    private static NoteSignature parseSignatureLine(String line) throws NoteException {
        if (!line.startsWith(SIGNATURE_PREFIX)) {
            throw malformed("signature line does not start with an em dash and a space: \"" + line + "\"");
        }
        String rest = line.substring(SIGNATURE_PREFIX.length());
        int space = rest.lastIndexOf(' ');
        if (space <= 0 || !KeyNames.isValid(rest.substring(0, space))) {
            throw malformed("signature line has no valid key name: \"" + line + "\"");
        }
        byte[] idAndSignature = VerifierKey.decodeBase64(rest.substring(space + 1), "signature");
        if (idAndSignature.length < 5) {
            throw malformed("signature is too short to hold a key id and a signature");
        }
        int keyId = ByteBuffer.wrap(idAndSignature, 0, 4).getInt();
        return new NoteSignature(rest.substring(0, space), keyId, Arrays.copyOfRange(idAndSignature, 4, idAndSignature.length));
    }

    /**
     * Verifies the note with one trusted key and returns its text. Signatures by other keys are
     * ignored, as the signed-note spec requires; the note is rejected if the trusted key did not sign
     * it or if any of its signatures by the trusted key fails.
     */
    public static String open(String note, VerifierKey trusted) throws NoteException {
        return parse(note).verifiedText(trusted);
    }

    /** Verifies the signed note of a checkpoint and parses its body. */
    public static Checkpoint verify(String note, VerifierKey trusted) throws NoteException {
        return Checkpoint.parse(open(note, trusted));
    }

    public static Checkpoint verify(byte[] note, VerifierKey trusted) throws NoteException {
        return Checkpoint.parse(parse(note).verifiedText(trusted));
    }

    public String verifiedText(VerifierKey trusted) throws NoteException {
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        int fromTrusted = 0;
        for (NoteSignature signature : signatures) {
            if (!signature.keyName().equals(trusted.name()) || signature.keyId() != trusted.keyId()) {
                continue;
            }
            fromTrusted++;
            if (!trusted.verifies(message, signature.signature())) {
                throw new NoteException(NoteException.Reason.BAD_SIGNATURE,
                        "signature by " + signature.keyLabel() + " does not verify over the note text");
            }
        }
        if (fromTrusted == 0) {
            String present = signatures.stream().map(NoteSignature::keyLabel).collect(Collectors.joining(", "));
            throw new NoteException(NoteException.Reason.UNKNOWN_KEY,
                    "note is not signed by " + trusted.name() + "+" + trusted.keyIdHex() + " (signed by: " + present + ")");
        }
        return text;
    }

    static void requireValidText(String text) {
        if (text.isEmpty() || !text.endsWith("\n") || text.chars().anyMatch(c -> c < 0x20 && c != '\n') || !isValidUnicode(text)) {
            throw new IllegalArgumentException("note text must end in a newline and hold no control character but newline");
        }
    }

    private static boolean isValidUnicode(String s) {
        try {
            StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static NoteException malformed(String message) {
        return new NoteException(NoteException.Reason.MALFORMED, message);
    }
}
