package dev.tracegate.policy.shell;

import dev.tracegate.policy.shell.ShellLine.SimpleCommand;
import dev.tracegate.policy.shell.ShellLine.Word;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The far end of legacy scp ({@code scp -O}): the client runs {@code scp -t PATH} on the host to
 * send files into PATH, {@code scp -f PATH} to fetch PATH, and the files then travel inside that
 * exec channel, where no sftp request names them. So that the policy's {@code files} rules hold
 * for the legacy protocol as they do for sftp, such a line is also decided as the file operations
 * it performs.
 *
 * <p>Read conservatively: an {@code scp} word anywhere in a simple command (after {@code env},
 * {@code sudo}, {@code nice}, ...) counts, an option cluster holding {@code t} receives and one
 * holding {@code f} sends, and every other word after it is taken as a path (option values too:
 * more paths are checked, never fewer). A path that is not an absolute literal cannot be placed
 * against the rules' absolute patterns, and is reported rather than guessed.
 *
 * @param receives     files are written into the paths ({@code -t}): a path may be a directory, and the
 *                     names written in it travel in the protocol, unseen
 * @param sends        the paths are read ({@code -f})
 * @param recursive    whole directory trees travel ({@code -r})
 * @param paths        the absolute paths, normalised
 * @param unplaceable  the words that are not absolute literal paths
 */
public record LegacyScpCommand(boolean receives, boolean sends, boolean recursive, List<String> paths,
                               List<String> unplaceable) {

    public LegacyScpCommand {
        paths = List.copyOf(paths);
        unplaceable = List.copyOf(unplaceable);
    }

    /** The legacy scp transfer {@code line} runs, if it runs one. */
    public static Optional<LegacyScpCommand> read(String line) {
        ShellLine shell = ShellLine.read(line);
        boolean receives = false;
        boolean sends = false;
        boolean recursive = false;
        List<String> paths = new ArrayList<>();
        List<String> unplaceable = new ArrayList<>();
        for (SimpleCommand command : shell.commands()) {
            List<Word> words = command.words();
            int scp = scpWord(words);
            if (scp < 0) {
                continue;
            }
            boolean operandsOnly = false;
            for (Word word : words.subList(scp + 1, words.size())) {
                String text = word.text();
                if (!operandsOnly && text.equals("--")) {
                    operandsOnly = true;
                } else if (!operandsOnly && text.startsWith("-") && word.literal()) {
                    receives |= text.indexOf('t') > 0;
                    sends |= text.indexOf('f') > 0;
                    recursive |= text.indexOf('r') > 0;
                } else {
                    String path = word.literal() ? normalised(text) : null;
                    if (path == null) {
                        unplaceable.add(text);
                    } else {
                        paths.add(path);
                    }
                }
            }
        }
        return receives || sends ? Optional.of(new LegacyScpCommand(receives, sends, recursive, paths, unplaceable)) : Optional.empty();
    }

    private static int scpWord(List<Word> words) {
        for (int i = 0; i < words.size(); i++) {
            String text = words.get(i).text();
            if (text.equals("scp") || text.endsWith("/scp")) {
                return i;
            }
        }
        return -1;
    }

    /** {@code path} without {@code .}, {@code ..} and repeated slashes, or null when it is not absolute. */
    private static String normalised(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }
}
