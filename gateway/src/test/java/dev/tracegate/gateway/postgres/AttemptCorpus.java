package dev.tracegate.gateway.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/** A corpus of attempts on a masked caller's behalf: one statement per line of a test resource, comment lines left out. */
final class AttemptCorpus {

    private AttemptCorpus() {
    }

    static Stream<String> statements(String resource) throws IOException {
        try (InputStream in = AttemptCorpus.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("--")).toList().stream();
        }
    }
}
