package dev.tracegate.gateway.recording;

import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;

/**
 * The COPY data one command moved, each direction counted and keyed-hashed as it passes and never
 * kept: the data's values go to or come from columns the record profile may protect, and a COPY
 * says nothing of which, so what the evidence keeps of it is how much it was and a commitment to
 * exactly what it was. An auditor who holds the gateway's masking key and a file (the one loaded,
 * or a copy of what was read) confirms it is what moved: {@code openssl dgst -sha256 -hmac KEY
 * file} equals {@code hmac}. Written by the client's relay (data in) and the server's (data out,
 * and which directions the server opened), so each side is synchronized.
 */
public final class CopiedData {

    /** One direction of a COPY: {@code in}, the client's CopyData to the server; {@code out}, the server's to the client. */
    public enum Direction { IN, OUT }

    /** What moved in one direction: bytes of CopyData payload, messages, and their HMAC ({@code null} without a key). */
    public record Moved(long bytes, long messages, String hmac) {
    }

    private final Stream in;
    private final Stream out;

    CopiedData(Supplier<Mac> macs) {
        this.in = new Stream(macs);
        this.out = new Stream(macs);
    }

    /** The server opened a COPY of this command in {@code direction}: what moved that way is recorded. */
    public void opened(Direction direction) {
        stream(direction).open();
    }

    /** A CopyData message's payload, in {@code direction}. */
    public void add(Direction direction, byte[] payload) {
        stream(direction).add(payload);
    }

    /** What moved in {@code direction}, or {@code null} when the server opened no COPY that way. */
    public Moved moved(Direction direction) {
        return stream(direction).moved();
    }

    private Stream stream(Direction direction) {
        return direction == Direction.IN ? in : out;
    }

    /** One direction's count and running HMAC; the MAC is made at its first use, as most commands copy nothing. */
    private static final class Stream {
        private final Supplier<Mac> macs;
        private Mac mac;
        private boolean opened;
        private long bytes;
        private long messages;
        private String hmac;

        Stream(Supplier<Mac> macs) {
            this.macs = macs;
        }

        synchronized void open() {
            opened = true;
        }

        synchronized void add(byte[] payload) {
            if (messages++ == 0) {
                mac = macs.get();
            }
            bytes += payload.length;
            if (mac != null) {
                mac.update(payload);
            }
        }

        synchronized Moved moved() {
            if (!opened) {
                return null;
            }
            if (messages == 0) {
                mac = macs.get();
            }
            if (hmac == null && mac != null) {
                hmac = HexFormat.of().formatHex(mac.doFinal());
            }
            return new Moved(bytes, messages, hmac);
        }
    }
}
