import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Iterator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The floor under the gateway's relay: a TCP relay for PostgreSQL clients that does nothing but
 * copy bytes, so its CPU per transaction is what the way of relaying costs before any parsing,
 * policy, masking or evidence. Three ways:
 *
 * <ul>
 *   <li>{@code threads}: two virtual threads per connection, blocking reads and writes (the
 *       gateway's way);</li>
 *   <li>{@code threads-tls}: the same, with the client's side in TLS through the JDK's JSSE (the
 *       client's SSLRequest answered 'S', as PostgreSQL does);</li>
 *   <li>{@code platform}, {@code platform-tls}: the same with two platform threads per connection,
 *       each blocked in its read and woken by the kernel (no poller between);</li>
 *   <li>{@code loop}: one platform thread and a selector for every connection (pgbouncer's and
 *       haproxy's way), cleartext;</li>
 *   <li>{@code loop-tls}: the same loop with the client's side in TLS through the JDK's
 *       {@link SSLEngine} over the non-blocking channel (what an event-loop gateway would do).</li>
 * </ul>
 *
 * <p>Run: {@code java RelayFloor.java MODE LISTEN_PORT TARGET_PORT [KEYSTORE.p12 PASSWORD]}. Used by
 * {@code bench/relay-floor/run}; not part of the product.
 */
public final class RelayFloor {

    private static final int SSL_REQUEST_CODE = 80877103;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int listen = Integer.parseInt(args[1]);
        int target = Integer.parseInt(args[2]);
        switch (mode) {
            case "threads" -> threads(listen, target, null, Thread.ofVirtual());
            case "threads-tls" -> threads(listen, target, tlsContext(Path.of(args[3]), args[4].toCharArray()), Thread.ofVirtual());
            case "platform" -> threads(listen, target, null, Thread.ofPlatform().stackSize(256 * 1024));
            case "platform-tls" -> threads(listen, target, tlsContext(Path.of(args[3]), args[4].toCharArray()),
                    Thread.ofPlatform().stackSize(256 * 1024));
            case "loop" -> loop(listen, target, null);
            case "loop-tls" -> loop(listen, target, tlsContext(Path.of(args[3]), args[4].toCharArray()));
            default -> throw new IllegalArgumentException("mode: threads, threads-tls, platform, platform-tls, loop or loop-tls");
        }
    }

    private static void threads(int listen, int target, SSLContext tls, Thread.Builder threads) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", listen), 512);
            System.out.println("listening");
            while (true) {
                Socket client = server.accept();
                threads.start(() -> session(client, target, tls, threads));
            }
        }
    }

    private static void session(Socket client, int target, SSLContext tls, Thread.Builder threads) {
        try (client; Socket upstream = new Socket("127.0.0.1", target)) {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Socket front = tls == null ? client : startTls(client, tls);
            InputStream fromClient = front.getInputStream();
            OutputStream toClient = front.getOutputStream();
            Thread back = threads.start(() -> copy(upstream, toClient, front));
            copy(fromClient, upstream.getOutputStream());
            back.join();
        } catch (IOException | InterruptedException e) {
            // a client that leaves ends its session
        }
    }

    /** Answers the client's SSLRequest with 'S' and starts TLS on its socket. */
    private static Socket startTls(Socket client, SSLContext tls) throws IOException {
        byte[] request = client.getInputStream().readNBytes(8);
        int code = ((request[4] & 0xff) << 24) | ((request[5] & 0xff) << 16) | ((request[6] & 0xff) << 8) | (request[7] & 0xff);
        if (code != SSL_REQUEST_CODE) {
            throw new IOException("the client did not ask for TLS");
        }
        client.getOutputStream().write('S');
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static void copy(Socket upstream, OutputStream toClient, Socket front) {
        try {
            copy(upstream.getInputStream(), toClient);
        } catch (IOException e) {
            // either side gone
        } finally {
            try {
                front.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16384];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
    }

    private static SSLContext tlsContext(Path keystore, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** One selector thread; each side's bytes go to the other as they arrive (a 16 KiB buffer per direction). */
    private static void loop(int listen, int target, SSLContext tls) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", listen), 512);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        System.out.println("listening");
        while (true) {
            selector.select();
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                if (key.isAcceptable()) {
                    accept(server, selector, target, tls);
                } else if (key.isValid() && key.isReadable()) {
                    if (key.attachment() instanceof Pipe) {
                        forward(key);
                    } else {
                        ((TlsEnd) key.attachment()).readable();
                    }
                }
            }
        }
    }

    /** Connects the accepted client upstream; both channels wait for bytes in the loop's selector. */
    private static void accept(ServerSocketChannel server, Selector selector, int target, SSLContext tls) throws IOException {
        SocketChannel client = server.accept();
        if (client == null) {
            return;
        }
        SocketChannel upstream = SocketChannel.open(new InetSocketAddress("127.0.0.1", target));
        for (SocketChannel channel : new SocketChannel[] {client, upstream}) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
        }
        if (tls == null) {
            client.register(selector, SelectionKey.OP_READ, new Pipe(upstream));
            upstream.register(selector, SelectionKey.OP_READ, new Pipe(client));
        } else {
            TlsFront front = new TlsFront(client, upstream, tls);
            client.register(selector, SelectionKey.OP_READ, front);
            upstream.register(selector, SelectionKey.OP_READ, new TlsBack(front));
        }
    }

    /** Where a channel's bytes go, and the buffer they pass through. */
    private record Pipe(SocketChannel to, ByteBuffer buffer) {
        Pipe(SocketChannel to) {
            this(to, ByteBuffer.allocateDirect(16384));
        }
    }

    private static void forward(SelectionKey key) {
        SocketChannel from = (SocketChannel) key.channel();
        Pipe pipe = (Pipe) key.attachment();
        try {
            int n = from.read(pipe.buffer());
            if (n < 0) {
                throw new IOException("closed");
            }
            pipe.buffer().flip();
            while (pipe.buffer().hasRemaining()) {
                // A slow reader would stall the loop here; PostgreSQL and pgbench read at once.
                pipe.to().write(pipe.buffer());
            }
            pipe.buffer().clear();
        } catch (IOException e) {
            try {
                from.close();
                pipe.to().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A channel of a TLS session that has bytes to read. */
    private interface TlsEnd {
        void readable();
    }

    /**
     * The client's side: the 8-byte SSLRequest answered 'S', then an {@link SSLEngine} in server
     * mode whose handshake and records are driven from the bytes the loop reads. As in {@code loop},
     * writes spin on a full socket, which PostgreSQL and pgbench never leave full for long.
     */
    private static final class TlsFront implements TlsEnd {
        private final SocketChannel client;
        private final SocketChannel upstream;
        private final SSLContext tls;
        private final ByteBuffer netIn = ByteBuffer.allocateDirect(34 * 1024);
        private final ByteBuffer netOut = ByteBuffer.allocateDirect(34 * 1024);
        private final ByteBuffer plain = ByteBuffer.allocateDirect(34 * 1024);
        private SSLEngine engine;

        TlsFront(SocketChannel client, SocketChannel upstream, SSLContext tls) {
            this.client = client;
            this.upstream = upstream;
            this.tls = tls;
        }

        @Override
        public void readable() {
            try {
                if (client.read(netIn) < 0) {
                    throw new IOException("closed");
                }
                if (engine == null && !startTls()) {
                    return;
                }
                drive();
            } catch (IOException e) {
                close();
            }
        }

        private boolean startTls() throws IOException {
            if (netIn.position() < 8) {
                return false;
            }
            netIn.flip();
            netIn.position(4);
            if (netIn.getInt() != SSL_REQUEST_CODE) {
                throw new IOException("the client did not ask for TLS");
            }
            netIn.compact();
            writeFully(client, ByteBuffer.wrap(new byte[] {'S'}));
            engine = tls.createSSLEngine();
            engine.setUseClientMode(false);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3"});
            engine.setSSLParameters(parameters);
            engine.beginHandshake();
            return true;
        }

        /** Runs the engine until it needs bytes the client has not sent yet. */
        private void drive() throws IOException {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> {
                        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                            task.run();
                        }
                    }
                    case NEED_WRAP -> send(ByteBuffer.allocate(0));
                    default -> {
                        netIn.flip();
                        SSLEngineResult result = engine.unwrap(netIn, plain);
                        netIn.compact();
                        plain.flip();
                        writeFully(upstream, plain);
                        plain.clear();
                        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new IOException("closed");
                        }
                        if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                                || (result.bytesConsumed() == 0 && result.getHandshakeStatus()
                                    != SSLEngineResult.HandshakeStatus.NEED_TASK
                                    && result.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP)) {
                            return;
                        }
                    }
                }
            }
        }

        /** Wraps {@code data} (empty for the handshake's own records) and writes the records to the client. */
        void send(ByteBuffer data) throws IOException {
            do {
                SSLEngineResult result = engine.wrap(data, netOut);
                netOut.flip();
                writeFully(client, netOut);
                netOut.clear();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new IOException("closed");
                }
            } while (data.hasRemaining());
        }

        void close() {
            try {
                client.close();
                upstream.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** The server's side of a TLS session: its bytes go out as records through the client's engine. */
    private record TlsBack(TlsFront front, ByteBuffer buffer) implements TlsEnd {
        TlsBack(TlsFront front) {
            this(front, ByteBuffer.allocateDirect(16384));
        }

        @Override
        public void readable() {
            try {
                if (front.upstream.read(buffer) < 0) {
                    throw new IOException("closed");
                }
                buffer.flip();
                front.send(buffer);
                buffer.clear();
            } catch (IOException e) {
                front.close();
            }
        }
    }

    private static void writeFully(SocketChannel to, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            to.write(bytes);
        }
    }
}
