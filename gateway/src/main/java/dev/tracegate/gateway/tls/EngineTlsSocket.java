package dev.tracegate.gateway.tls;

import io.netty.util.ReferenceCounted;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A server-side TLS connection driven by an {@link SSLEngine} over an accepted blocking socket,
 * seen by the rest of the gateway as the {@link SSLSocket} the JDK's TLS would have given it.
 *
 * <p>Why a socket: the sessions read with blocking calls on virtual threads, ask
 * {@code available()} for buffered bytes, time reads out through {@link #setSoTimeout} and test
 * {@code instanceof SSLSocket}; an engine behind the same face changes none of that.
 *
 * <p>Reads and writes may run at once on two threads (the two relays), as on a JDK socket: each
 * direction has its own lock and buffers, and the engine's own calls are short and never block.
 * A read that finds post-handshake work for the other direction (a TLS 1.3 key update's answer)
 * writes it under the write lock; a writer never takes the read lock, so the two cannot deadlock.
 * A read timeout leaves every buffer as it was, so the next read resumes mid-record.
 */
final class EngineTlsSocket extends SSLSocket {

    /** The read side's first room, for records in and decrypted bytes each. */
    static final int READ_START_BYTES = 4 * 1024;
    /** Plain bytes encrypted at a time: a whole record's. */
    private static final int WRITE_PLAIN_BYTES = 16 * 1024;

    private final Socket socket;
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final java.util.List<HandshakeCompletedListener> handshakeListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Records received, not yet decrypted; in write mode. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet read; in read mode. */
    private ByteBuffer appIn;
    /** A read's staging between the socket's stream and {@link #netIn}. */
    private final byte[] readStage;
    /** Plain bytes to encrypt; in write mode between calls. */
    private final ByteBuffer appOut;
    /** Encrypted records to send. */
    private ByteBuffer netOut;
    private byte[] writeStage;
    private boolean inboundDone;
    private final InputStream in = new TlsInput();
    private final OutputStream out = new TlsOutput();

    /**
     * @param socket   the accepted socket
     * @param consumed bytes read from it before TLS began that belong to the handshake, or null
     * @param engine   a server-mode engine for this connection, which this socket owns from here on: released when
     *                 it closes, or at once when the socket cannot be set up
     */
    EngineTlsSocket(Socket socket, InputStream consumed, SSLEngine engine) throws IOException {
        this.socket = socket;
        this.engine = engine;
        try {
            this.rawIn = new RecordReadAhead(consumed, socket.getInputStream());
            this.rawOut = socket.getOutputStream();
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
        int packet = engine.getSession().getPacketBufferSize();
        // The read side starts small and grows to a whole record only for a session that is sent one: a
        // statement's record is a few hundred bytes, and an idle session should not hold two records' room.
        // The four start as parts of one direct allocation: each allocation is a malloc, a reservation and a
        // cleaner, and in a storm of connections four of them were a tenth of the accepting thread's CPU.
        ByteBuffer start = ByteBuffer.allocateDirect(2 * READ_START_BYTES + WRITE_PLAIN_BYTES + packet);
        this.netIn = start.slice(0, READ_START_BYTES);
        this.appIn = start.slice(READ_START_BYTES, READ_START_BYTES).flip();
        this.appOut = start.slice(2 * READ_START_BYTES, WRITE_PLAIN_BYTES);
        this.netOut = start.slice(2 * READ_START_BYTES + WRITE_PLAIN_BYTES, packet);
        this.readStage = new byte[RecordReadAhead.BYTES];
        this.writeStage = new byte[packet];
    }

    // ---- the handshake

    @Override
    public void startHandshake() throws IOException {
        try {
            engine.beginHandshake();
            while (true) {
                HandshakeStatus status = engine.getHandshakeStatus();
                switch (status) {
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> {
                        if (wrapAndSend(ByteBuffer.allocate(0)).getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SSLException("the TLS handshake was closed before it completed");
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        readLock.lock();
                        try {
                            if (!unwrapHandshake()) {
                                throw new EOFException("the client closed the connection during the TLS handshake");
                            }
                        } finally {
                            readLock.unlock();
                        }
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        javax.net.ssl.HandshakeCompletedEvent done = new javax.net.ssl.HandshakeCompletedEvent(this, getSession());
                        handshakeListeners.forEach(listener -> listener.handshakeCompleted(done));
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** One handshake unwrap, reading from the socket as it needs; false at the end of the stream. */
    private boolean unwrapHandshake() throws IOException {
        while (true) {
            SSLEngineResult result = unwrapOnce();
            switch (result.getStatus()) {
                case OK -> {
                    return true;
                }
                case BUFFER_UNDERFLOW -> {
                    // BoringSSL's engine may finish the handshake on the unwrap after the client's
                    // Finished, with nothing more to read: read only while it still waits for the client.
                    if (engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
                        return true;
                    }
                    if (!readFromSocket()) {
                        return false;
                    }
                }
                case BUFFER_OVERFLOW -> growApplicationBuffer();
                case CLOSED -> throw new SSLException("the client ended TLS during the handshake");
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    // ---- reading

    private int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        readLock.lock();
        try {
            while (!appIn.hasRemaining()) {
                if (inboundDone) {
                    return -1;
                }
                if (!decryptOrRead()) {
                    return -1;
                }
            }
            int n = Math.min(length, appIn.remaining());
            appIn.get(into, offset, n);
            return n;
        } finally {
            readLock.unlock();
        }
    }

    /** Decrypts what was received, or reads more when a record is incomplete; false at the stream's end. */
    private boolean decryptOrRead() throws IOException {
        if (netIn.position() > 0) {
            SSLEngineResult result = unwrapOnce();
            afterUnwrap(result);
            switch (result.getStatus()) {
                case OK -> {
                    if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && closed.get()) {
                        // The engine waits for a wrap that a closed socket will never send: unwrapping the
                        // same bytes again would spin here, as the write side once did.
                        throw new SocketException("Socket closed");
                    }
                    return true;
                }
                case CLOSED -> {
                    inboundDone = true;
                    return true;
                }
                case BUFFER_OVERFLOW -> {
                    growApplicationBuffer();
                    return true;
                }
                case BUFFER_UNDERFLOW -> {
                    // A partial record: read the rest.
                }
            }
        }
        if (!readFromSocket()) {
            inboundDone = true;
            try {
                engine.closeInbound();
            } catch (SSLException truncated) {
                // The client left without close_notify: the stream simply ends, as the JDK's socket reports it.
            }
        }
        return true;
    }

    /** The post-handshake work an unwrap left: delegated tasks, or an answer to send (a key update). */
    private void afterUnwrap(SSLEngineResult result) throws IOException {
        HandshakeStatus status = result.getHandshakeStatus();
        if (status == HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (status == HandshakeStatus.NEED_WRAP && !closed.get()) {
            wrapAndSend(ByteBuffer.allocate(0));
        }
    }

    /** One unwrap of {@link #netIn} into {@link #appIn}, leaving both in their resting modes. */
    private SSLEngineResult unwrapOnce() throws SSLException {
        netIn.flip();
        appIn.compact();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
            netIn.compact();
        }
    }

    /** Appends what one read of the socket returns to {@link #netIn}; false at the stream's end. */
    private boolean readFromSocket() throws IOException {
        if (!netIn.hasRemaining()) {
            ByteBuffer larger = ByteBuffer.allocateDirect(netIn.capacity() * 2);
            netIn.flip();
            larger.put(netIn);
            netIn = larger;
        }
        int n = rawIn.read(readStage, 0, Math.min(readStage.length, netIn.remaining()));
        if (n < 0) {
            return false;
        }
        netIn.put(readStage, 0, n);
        return true;
    }

    private void growApplicationBuffer() {
        ByteBuffer larger = ByteBuffer.allocateDirect(Math.max(appIn.capacity() * 2, engine.getSession().getApplicationBufferSize()));
        larger.put(appIn);
        appIn = larger.flip();
    }

    /** Bytes a read returns without waiting: decrypted ones, and any whole record already received. */
    private int available() throws IOException {
        if (!readLock.tryLock()) {
            return 0;
        }
        try {
            if (!appIn.hasRemaining() && netIn.position() > 0 && !inboundDone) {
                SSLEngineResult result = unwrapOnce();
                afterUnwrap(result);
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    inboundDone = true;
                }
            }
            return appIn.remaining();
        } finally {
            readLock.unlock();
        }
    }

    // ---- writing

    private void write(byte[] from, int offset, int length) throws IOException {
        writeLock.lock();
        try {
            if (closed.get()) {
                throw new SocketException("Socket closed");
            }
            while (length > 0) {
                int n = Math.min(length, appOut.remaining());
                appOut.put(from, offset, n);
                offset += n;
                length -= n;
                appOut.flip();
                try {
                    while (appOut.hasRemaining()) {
                        SSLEngineResult result = wrapAndSend(appOut);
                        // An engine that has sent or read close_notify encrypts nothing more: offering it the
                        // same bytes again would spin here, under the write lock, for ever.
                        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SocketException("the client closed the TLS connection");
                        }
                        if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                            throw new SSLException("the TLS engine took none of the bytes to send ("
                                    + result.getHandshakeStatus() + ")");
                        }
                    }
                } finally {
                    appOut.clear();
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Wraps (part of) {@code plain} into records and writes them to the socket; the last wrap's result. */
    private SSLEngineResult wrapAndSend(ByteBuffer plain) throws IOException {
        writeLock.lock();
        try {
            while (true) {
                netOut.clear();
                SSLEngineResult result = engine.wrap(plain, netOut);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    netOut = ByteBuffer.allocateDirect(netOut.capacity() * 2);
                    continue;
                }
                send();
                if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                boolean more = result.getStatus() == SSLEngineResult.Status.OK
                        && result.bytesProduced() > 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
                if (!more) {
                    return result;
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void send() throws IOException {
        netOut.flip();
        int n = netOut.remaining();
        if (n == 0) {
            return;
        }
        if (writeStage.length < n) {
            writeStage = new byte[n];
        }
        netOut.get(writeStage, 0, n);
        rawOut.write(writeStage, 0, n);
    }

    // ---- closing

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (writeLock.tryLock()) {
                try {
                    sendCloseNotify();
                } catch (IOException | RuntimeException ignored) {
                    // The peer may be gone already; close_notify is a courtesy.
                } finally {
                    writeLock.unlock();
                }
            }
        } finally {
            socket.close();
            release();
        }
    }

    /** Frees the engine's native state once no read or write is inside it. */
    private void release() {
        if (!(engine instanceof ReferenceCounted counted) || !released.compareAndSet(false, true)) {
            return;
        }
        // A read may still be in the engine when another thread closes; the engine's own lock makes
        // its native state's release wait for that call to leave.
        counted.release();
    }

    @Override
    public boolean isClosed() {
        return closed.get() || socket.isClosed();
    }

    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            sendCloseNotify();
        } finally {
            writeLock.unlock();
        }
        socket.shutdownOutput();
    }

    /** Ends this side of TLS: close_notify, with the write lock held. */
    private void sendCloseNotify() throws IOException {
        engine.closeOutbound();
        netOut.clear();
        engine.wrap(ByteBuffer.allocate(0), netOut);
        send();
    }

    @Override
    public void shutdownInput() throws IOException {
        socket.shutdownInput();
    }

    @Override
    public boolean isOutputShutdown() {
        return engine.isOutboundDone() || socket.isOutputShutdown();
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    // ---- the streams

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    private final class TlsInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return EngineTlsSocket.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, into.length);
            return EngineTlsSocket.this.read(into, offset, length);
        }

        @Override
        public int available() throws IOException {
            return EngineTlsSocket.this.available();
        }

        @Override
        public void close() throws IOException {
            EngineTlsSocket.this.close();
        }
    }

    private final class TlsOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            EngineTlsSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] from, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, from.length);
            EngineTlsSocket.this.write(from, offset, length);
        }

        @Override
        public void flush() throws IOException {
            rawOut.flush();
        }

        @Override
        public void close() throws IOException {
            EngineTlsSocket.this.close();
        }
    }

    // ---- the TLS facts the sessions ask for

    @Override
    public String getApplicationProtocol() {
        return engine.getApplicationProtocol();
    }

    @Override
    public SSLSession getSession() {
        return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        engine.setEnabledProtocols(protocols);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        handshakeListeners.add(java.util.Objects.requireNonNull(listener));
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (!handshakeListeners.remove(listener)) {
            throw new IllegalArgumentException("no such listener");
        }
    }

    @Override
    public void setUseClientMode(boolean mode) {
        if (mode) {
            throw new IllegalArgumentException("a server-side connection");
        }
    }

    @Override
    public boolean getUseClientMode() {
        return false;
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    // ---- the socket beneath

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        socket.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return socket.getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        socket.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return socket.getTcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        socket.setKeepAlive(on);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        socket.setSoLinger(on, linger);
    }

    @Override
    public InetAddress getInetAddress() {
        return socket.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public int getPort() {
        return socket.getPort();
    }

    @Override
    public int getLocalPort() {
        return socket.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket.getLocalSocketAddress();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public boolean isBound() {
        return socket.isBound();
    }

    @Override
    public String toString() {
        return "TLS (BoringSSL) " + socket;
    }
}
