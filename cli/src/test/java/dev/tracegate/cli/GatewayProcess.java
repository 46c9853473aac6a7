package dev.tracegate.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gateway run as its own process with {@code tracegate serve}, exactly as an operator starts
 * it, with a capped heap: what tests use to show that large data streams in bounded memory.
 */
final class GatewayProcess implements AutoCloseable {

    private final Process process;

    private GatewayProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code tracegate serve --config config} with {@code -Xmx<heap>} and waits until it is ready. */
    static GatewayProcess start(Path config, String heap) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx" + heap, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--config", config.toString()))
                .redirectErrorStream(true).start();
        GatewayProcess gateway = new GatewayProcess(process);
        gateway.awaitReady();
        return gateway;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process gets no chance to close anything, as when a node's machine dies. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private void awaitReady() {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                seen.append(line).append('\n');
                if (line.equals("tracegate ready")) {
                    Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                    return;
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read the gateway's output", e);
        }
        throw new AssertionError("gateway exited before it was ready:\n" + seen);
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
