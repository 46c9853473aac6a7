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
        event("o", output, data, offset, length);
    }

    synchronized void input(byte[] data, int offset, int length) {
        event("i", input, data, offset, length);
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

    private void event(String kind, CharsetDecoder decoder, byte[] data, int offset, int length) {
        if (ended || length <= 0) {
            return;
        }
        if (recorded + length > limit) {
            if (!truncated) {
                truncated = true;
                append("m", "tracegate: recording limit of " + limit + " bytes reached; the rest is not kept");
            }
            return;
        }
        recorded += length;
        CharBuffer chars = CharBuffer.allocate(length + 1);
        decoder.decode(ByteBuffer.wrap(data, offset, length), chars, false);
        chars.flip();
        append(kind, chars.toString());
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
