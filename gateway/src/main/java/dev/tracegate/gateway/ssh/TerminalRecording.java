package dev.tracegate.gateway.ssh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.recording.SessionRecorder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One channel's terminal as asciicast v2 (a header line, then {@code [seconds, "o"|"i"|"r", data]}
 * lines), sealed into evidence chunks while the channel runs: every {@link #CHUNK_BYTES} or
 * {@link #CHUNK_MILLIS} of activity, and at the end. Output and input are decoded as UTF-8 with a
 * decoder per direction, so a character split across two writes is not garbled.
 */
final class TerminalRecording {

    static final int CHUNK_BYTES = 64 * 1024;
    static final long CHUNK_MILLIS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A prompt that asks for a secret, at the end of the output's current line. */
    static final Pattern SECRET_PROMPT = Pattern.compile(
            "(?i)(password|passphrase|passcode|pin|token|secret|otp|verification code)[^\\n:]{0,60}:\\s*$");

    private final SessionRecorder recorder;
    private final long sequence;
    private final long limit;
    private final long startNanos = System.nanoTime();
    private final CharsetDecoder output = decoder();
    private final CharsetDecoder input = decoder();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long sealedAtNanos = startNanos;
    private long recorded;
    private int chunk;
    private boolean truncated;
    private boolean ended;
    /** The output's current line so far (its end), to notice a password prompt. */
    private final StringBuilder outputLine = new StringBuilder();
    /** Input typed after a password prompt, until Enter: never kept. */
    private boolean secretInput;

    /**
     * @param limit how many bytes of terminal data to keep at most (exec output can be a whole
     *              backup; a shell is kept whole)
     */
    TerminalRecording(SessionRecorder recorder, long sequence, int width, int height, long limit) {
        this.recorder = recorder;
        this.sequence = sequence;
        this.limit = limit;
        ObjectNode header = JSON.createObjectNode().put("version", 2).put("width", width).put("height", height)
                .put("timestamp", System.currentTimeMillis() / 1000);
        line(header.toString());
    }

    synchronized void output(byte[] data, int offset, int length) {
        String text = event("o", output, data, offset, length);
        int newline = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
        if (newline >= 0) {
            outputLine.setLength(0);
            text = text.substring(newline + 1);
        }
        outputLine.append(text);
        if (outputLine.length() > 200) {
            outputLine.delete(0, outputLine.length() - 200);
        }
        secretInput = SECRET_PROMPT.matcher(outputLine).find();
    }

    /**
     * What the caller typed. After a prompt for a password, passphrase, PIN or token (sudo, su, an
     * ssh key, a database client) the keystrokes up to Enter are replaced by a marker: a secret
     * never enters the evidence, even though the terminal did not echo it.
     */
    synchronized void input(byte[] data, int offset, int length) {
        if (!secretInput) {
            event("i", input, data, offset, length);
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            if (data[i] == '\r' || data[i] == '\n') {
                secretInput = false;
                outputLine.setLength(0);
                append("i", "[input withheld after a password prompt]");
                event("i", input, data, i, offset + length - i);
                return;
            }
        }
    }

    /** Whether later output would not be kept (the limit was reached, or the recording ended). */
    synchronized boolean full() {
        return truncated || ended;
    }

    synchronized void resize(int columns, int rows) {
        append("r", columns + "x" + rows);
    }

    /** Seals what is left; later writes are ignored. */
    synchronized void end() {
        if (!ended) {
            ended = true;
            seal(true);
        }
    }

    /** @return the text recorded (empty when nothing was) */
    private String event(String kind, CharsetDecoder decoder, byte[] data, int offset, int length) {
        if (ended || length <= 0) {
            return "";
        }
        if (recorded + length > limit) {
            if (!truncated) {
                truncated = true;
                append("m", "tracegate: recording limit of " + limit + " bytes reached; the rest is not kept");
            }
            return "";
        }
        recorded += length;
        CharBuffer chars = CharBuffer.allocate(length + 1);
        decoder.decode(ByteBuffer.wrap(data, offset, length), chars, false);
        chars.flip();
        String text = chars.toString();
        append(kind, text);
        return text;
    }

    private void append(String kind, String text) {
        ArrayNode event = JSON.createArrayNode();
        event.add((System.nanoTime() - startNanos) / 1_000_000L / 1000.0).add(kind).add(text);
        line(event.toString());
        if (pending.size() >= CHUNK_BYTES || System.nanoTime() - sealedAtNanos >= CHUNK_MILLIS * 1_000_000L) {
            seal(false);
        }
    }

    private void line(String json) {
        pending.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        pending.write('\n');
    }

    private void seal(boolean last) {
        if (pending.size() == 0 && !last) {
            return;
        }
        recorder.terminalChunk(sequence, chunk++, pending.toByteArray(), last);
        pending.reset();
        sealedAtNanos = System.nanoTime();
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }
}
