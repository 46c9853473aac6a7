package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.engine.ClientInput;
import dev.tracegate.gateway.engine.ClientWatch;
import dev.tracegate.gateway.engine.RelayBuffers;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlPacketReader;
import dev.tracegate.wire.mysql.MysqlPacketWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * One side's packets (the caller's, or the upstream's): the socket, plain or TLS, a reader bound
 * by the packet limit and a writer. The sequence id of what this side is sent next is kept here,
 * so every exchange numbers its packets in order whatever the gateway adds or leaves out.
 */
final class PacketChannel implements AutoCloseable {

    private final Socket socket;
    /** What the reader reads from: buffered (so a look can put a byte back) unless a TLS upgrade may follow. */
    private final InputStream input;
    private final MysqlPacketReader reader;
    private final MysqlPacketWriter writer;
    /** The caller's input once it relays (its idleness watched, its looks timed); null on every other channel. */
    private final ClientInput callerInput;
    private int sequence;

    /**
     * @param buffered false while a TLS upgrade may follow: nothing after the packet asking for it may be read ahead
     */
    PacketChannel(Socket socket, int maxPacketBytes, boolean buffered) throws IOException {
        this(socket, buffered ? RelayBuffers.input(socket.getInputStream()) : socket.getInputStream(),
                buffered ? RelayBuffers.output(socket.getOutputStream()) : socket.getOutputStream(), null, maxPacketBytes);
    }

    private PacketChannel(Socket socket, InputStream input, OutputStream output, ClientInput callerInput,
                          int maxPacketBytes) {
        this.socket = socket;
        this.input = input;
        this.reader = new MysqlPacketReader(input, maxPacketBytes);
        this.writer = new MysqlPacketWriter(output);
        this.callerInput = callerInput;
    }

    /** The caller's channel once it relays: buffered, reading through {@code callerInput}, the only channel that {@link #look}s. */
    static PacketChannel caller(Socket socket, ClientInput callerInput, int maxPacketBytes) throws IOException {
        return new PacketChannel(socket, RelayBuffers.input(callerInput), RelayBuffers.output(socket.getOutputStream()),
                callerInput, maxPacketBytes);
    }

    Socket socket() {
        return socket;
    }

    boolean tls() {
        return socket instanceof SSLSocket;
    }

    /** The next packet, or {@code null} at a clean end; the next packet sent continues its sequence. */
    MysqlPacket read() throws IOException {
        MysqlPacket packet = reader.read();
        if (packet != null) {
            sequence = packet.sequence() + 1 + packet.payload().length / MysqlPacketReader.MAX_PIECE;
        }
        return packet;
    }

    /**
     * Whether the caller is still there, looking for up to {@code millis} without consuming what it
     * sent (the next {@link #read} still gets it). Only on the {@link #caller} channel: its reads are
     * untimed again afterwards, and the look is no idleness.
     */
    ClientWatch.Seen look(int millis) throws IOException {
        if (callerInput == null) {
            throw new IllegalStateException("only the caller's channel is looked at");
        }
        return callerInput.polling(millis, () -> ClientWatch.peek(input));
    }

    /** The sequence id the next packet sent takes (after the last one read or sent). */
    int nextSequence() {
        return sequence;
    }

    /** Starts a new exchange: the next packet sent is number {@code sequence}. */
    void sequence(int sequence) {
        this.sequence = sequence;
    }

    void send(byte[] payload) throws IOException {
        sequence = writer.write(sequence, payload);
    }

    void flush() throws IOException {
        writer.flush();
    }

    void sendNow(byte[] payload) throws IOException {
        send(payload);
        flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
