package dev.tracegate.ledger.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A forger's edits of a bundle's line files: each line rewritten as UTF-8 and ended by a newline. */
final class LineEdits {
    private LineEdits() {}

    static void replaceInLine(Path file, int lineNumber, String from, String to) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        String line = lines.get(lineNumber - 1);
        assertThat(line).contains(from);
        lines.set(lineNumber - 1, line.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
        writeLines(file, lines);
    }

    static void editLine(Path file, int lineNumber, java.util.function.UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(lineNumber - 1, edit.apply(lines.get(lineNumber - 1)));
        writeLines(file, lines);
    }

    static void insertLine(Path file, int lineNumber, String line) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(lineNumber - 1, line);
        writeLines(file, lines);
    }

    static void removeLine(Path file, int lineNumber) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(lineNumber - 1);
        writeLines(file, lines);
    }

    static void swapLines(Path file, int a, int b) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        Collections.swap(lines, a - 1, b - 1);
        writeLines(file, lines);
    }

    static void writeLines(Path file, List<String> lines) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (String line : lines) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
    }
}
