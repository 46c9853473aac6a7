package dev.tracegate.gateway.recording;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

    /**
     * The client ended one COPY's data (CopyDone or CopyFail): a COPY FROM STDIN reads up to the
     * first of them, so what the client sends after it is read by the next COPY of the same command,
     * when the server opens one, or by none (the server ignores CopyData outside a COPY).
     */
    public void inputEnded() {
        in.end();
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

    /**
     * One direction's count and running HMAC; the MAC is made at its first use, as most commands copy
     * nothing. The count and MAC as they stood at each end of the client's data are kept, so that
     * data after the end of the last COPY the server opened, which no COPY read, is not counted.
     */
    private static final class Stream {
        private static final int MAX_ENDS = 1024;
        private final Supplier<Mac> macs;
        private final List<Moved> ends = new ArrayList<>();
        private Mac mac;
        private int opened;
        private long bytes;
        private long messages;

        Stream(Supplier<Mac> macs) {
            this.macs = macs;
        }

        synchronized void open() {
            opened++;
        }

        /**
         * Keeps the count and MAC at this end of the client's data; at most {@link #MAX_ENDS}, so a
         * flood of ends costs nothing more (past them, what the last COPY read is counted up to the
         * next statement, as if it had no end).
         */
        synchronized void end() {
            if (ends.size() < MAX_ENDS) {
                ends.add(!ends.isEmpty() && ends.getLast().messages() == messages ? ends.getLast()
                        : new Moved(bytes, messages, hmacSoFar()));
            }
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
            if (opened == 0) {
                return null;
            }
            return opened <= ends.size() && ends.size() < MAX_ENDS ? ends.get(opened - 1)
                    : new Moved(bytes, messages, hmacSoFar());
        }

        /** The HMAC of the payloads so far, the running MAC left to go on. */
        private String hmacSoFar() {
            Mac finished = messages == 0 ? macs.get() : copy(mac);
            return finished == null ? null : HexFormat.of().formatHex(finished.doFinal());
        }

        private static Mac copy(Mac mac) {
            if (mac == null) {
                return null;
            }
            try {
                return (Mac) mac.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the HMAC provider cannot copy a running MAC", e);
            }
        }
    }
}
