package dev.tracegate.gateway.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends a request exactly as written (bytes no HTTP client would send) and reads the start of the answer. */
final class RawHttp {

    private RawHttp() {
    }

    /** The first bytes of the answer (at least its status line), as ISO-8859-1 text; empty when the gateway closed. */
    static String send(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] answer = new byte[256];
            int n = socket.getInputStream().read(answer);
            return n < 0 ? "" : new String(answer, 0, n, StandardCharsets.ISO_8859_1);
        }
    }
}
