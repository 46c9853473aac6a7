package dev.tracegate.gateway.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (psql, pgbench) and captures what it printed. */
record ClientProcess(int exitCode, String output) {

    static ClientProcess run(Path workDir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().put("PGCONNECT_TIMEOUT", "10");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(command.getFirst() + " did not finish in 5 minutes");
        }
        return new ClientProcess(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
