package dev.tracegate.policy.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A shell command line read the way a POSIX shell reads it, far enough to know which programs it
 * runs and which files it redirects into: quotes, escapes, operators ({@code ; && || | & |&}
 * and line breaks) and redirections. What the gateway cannot follow without running the shell
 * (command substitution, process substitution, here-documents, subshells and groups, compound
 * commands, unterminated quotes, control characters) makes the line {@link #unreadable()}, with
 * the reason: the classifier then treats it as unknown.
 */
public final class ShellLine {

    /** Longer lines are not read at all. */
    public static final int MAX_LENGTH = 16 * 1024;

    /**
     * One word as the shell would pass it, quotes removed.
     *
     * @param text      the word's value, quotes and escapes removed
     * @param expands   whether an unquoted or double-quoted {@code $} expansion is in it, so its value is not known
     * @param globs     whether an unquoted {@code * ? [} or brace is in it, so it may stand for other names
     * @param expansions the expansions in it as written ({@code $X}, {@code ${X:-rm}}), so a refusal can name
     *                   what the gateway could not read
     */
    public record Word(String text, boolean expands, boolean globs, List<String> expansions) {

        public Word {
            expansions = List.copyOf(expansions);
        }

        /** A word whose expansions, if any, are not named. */
        public Word(String text, boolean expands, boolean globs) {
            this(text, expands, globs, List.of());
        }

        /** The expansions as written, for a reason ({@code $X}); what the word reads as when none is known. */
        public String unread() {
            return expansions.isEmpty() ? text : String.join(" ", expansions);
        }

        /** Whether the word's value is exactly {@link #text}. */
        public boolean literal() {
            return !expands && !globs;
        }
    }

    /** A redirection: {@code >}, {@code >>}, {@code <}, {@code 2>}, {@code &>}, ... and its target. */
    public record Redirection(String operator, Word target) {

        /** Whether it writes to its target (rather than reading it or duplicating a descriptor). */
        public boolean writes() {
            return operator.contains(">") && !operator.endsWith("&");
        }
    }

    /** One simple command: its words (assignments first) and redirections. */
    public record SimpleCommand(List<Word> words, List<Redirection> redirections) {

        public SimpleCommand {
            words = List.copyOf(words);
            redirections = List.copyOf(redirections);
        }
    }

    private final List<SimpleCommand> commands;
    private final String unreadable;

    private ShellLine(List<SimpleCommand> commands, String unreadable) {
        this.commands = List.copyOf(commands);
        this.unreadable = unreadable;
    }

    /** The simple commands of the line, in order (a pipeline's commands each count). */
    public List<SimpleCommand> commands() {
        return commands;
    }

    /** Why the line cannot be read, or {@code null} when it can. */
    public String unreadable() {
        return unreadable;
    }

    public static ShellLine read(String line) {
        if (line.length() > MAX_LENGTH) {
            return failed("the line is longer than " + MAX_LENGTH + " characters");
        }
        try {
            return new ShellLine(new Reader(line).commands(), null);
        } catch (Unreadable e) {
            return failed(e.getMessage());
        }
    }

    private static ShellLine failed(String reason) {
        return new ShellLine(List.of(), reason);
    }

    /** Thrown inside the reader; never leaves {@link #read}. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The character-level reader: one pass, no backtracking. */
    private static final class Reader {

        private static final String OPERATOR_START = ";&|\n";
        private static final String WORD_END = " \t;&|\n<>()";

        private final String line;
        private int at;
        private final List<SimpleCommand> commands = new ArrayList<>();
        private List<Word> words = new ArrayList<>();
        private List<Redirection> redirections = new ArrayList<>();
        /** The expansions of the word being read, as written. */
        private List<String> expansions = new ArrayList<>();

        Reader(String line) {
            this.line = line;
        }

        List<SimpleCommand> commands() {
            while (at < line.length()) {
                char c = line.charAt(at);
                if (c == ' ' || c == '\t') {
                    at++;
                } else if (c == '\\' && at + 1 < line.length() && line.charAt(at + 1) == '\n') {
                    at += 2; // a continued line
                } else if (c == '#') {
                    skipComment(); // only reached at a word's start: inside a word, # is a character
                } else if (OPERATOR_START.indexOf(c) >= 0) {
                    operator();
                } else if (c == '(' || c == ')') {
                    throw new Unreadable("a subshell or group: ( ... )");
                } else if (c == '<' || c == '>' || (Character.isDigit(c) && redirectionAfterDigits())) {
                    redirection();
                } else {
                    Word word = word();
                    if (words.isEmpty() && redirections.isEmpty() && COMPOUND.contains(word.text()) && word.literal()) {
                        throw new Unreadable("a compound command (" + word.text() + ")");
                    }
                    words.add(word);
                }
            }
            endCommand();
            return commands;
        }

        private static final java.util.Set<String> COMPOUND = java.util.Set.of("if", "then", "else", "elif", "fi", "for",
                "while", "until", "do", "done", "case", "esac", "select", "function", "{", "}", "[[", "]]", "coproc");

        private void skipComment() {
            while (at < line.length() && line.charAt(at) != '\n') {
                at++;
            }
        }

        private void operator() {
            char c = line.charAt(at);
            at++;
            if ((c == '&' || c == '|') && at < line.length() && (line.charAt(at) == c || (c == '|' && line.charAt(at) == '&'))) {
                at++;
            } else if (c == ';' && at < line.length() && line.charAt(at) == ';') {
                throw new Unreadable("a case clause terminator (;;)");
            }
            endCommand();
        }

        private void endCommand() {
            if (!words.isEmpty() || !redirections.isEmpty()) {
                commands.add(new SimpleCommand(words, redirections));
            }
            words = new ArrayList<>();
            redirections = new ArrayList<>();
        }

        /** Digits directly followed by {@code <} or {@code >} are a descriptor number ({@code 2>err}). */
        private boolean redirectionAfterDigits() {
            int i = at;
            while (i < line.length() && Character.isDigit(line.charAt(i))) {
                i++;
            }
            return i < line.length() && (line.charAt(i) == '<' || line.charAt(i) == '>');
        }

        private void redirection() {
            int start = at;
            while (at < line.length() && Character.isDigit(line.charAt(at))) {
                at++;
            }
            if (line.startsWith("&>", at)) {
                at += 2;
            }
            while (at < line.length() && "<>|&".indexOf(line.charAt(at)) >= 0 && at - start < 4) {
                at++;
            }
            String operator = line.substring(start, at);
            if (operator.contains("<<")) {
                throw new Unreadable(operator.contains("<<<") ? "a here-string (<<<)" : "a here-document (<<)");
            }
            if (operator.startsWith("<(") || (at < line.length() && line.charAt(at) == '(')) {
                throw new Unreadable("process substitution");
            }
            while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
                at++;
            }
            if (at >= line.length() || WORD_END.indexOf(line.charAt(at)) >= 0) {
                if (operator.endsWith("&") && operator.length() > 1) {
                    throw new Unreadable("a redirection without a target");
                }
                throw new Unreadable("a redirection without a target");
            }
            Word target = word();
            if (operator.endsWith(">&") || operator.endsWith("<&")) {
                // 2>&1, >&- : a descriptor, or (bash) a file when the target is not a number
                if (target.literal() && (target.text().matches("[0-9]+-?") || target.text().equals("-"))) {
                    redirections.add(new Redirection(operator + target.text(), new Word("", false, false)));
                    return;
                }
                operator = operator.substring(0, operator.length() - 1);
            }
            redirections.add(new Redirection(operator, target));
        }

        private Word word() {
            expansions = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            boolean expands = false;
            boolean globs = false;
            while (at < line.length()) {
                char c = line.charAt(at);
                if (WORD_END.indexOf(c) >= 0) {
                    break;
                }
                rejectControl(c);
                switch (c) {
                    case '\'' -> {
                        int end = line.indexOf('\'', at + 1);
                        if (end < 0) {
                            throw new Unreadable("an unterminated quote (')");
                        }
                        String quoted = line.substring(at + 1, end);
                        quoted.chars().forEach(q -> rejectControl((char) q));
                        text.append(quoted);
                        at = end + 1;
                    }
                    case '"' -> expands |= doubleQuoted(text);
                    case '\\' -> {
                        if (at + 1 >= line.length()) {
                            throw new Unreadable("a line that ends in a backslash");
                        }
                        rejectControl(line.charAt(at + 1));
                        text.append(line.charAt(at + 1));
                        at += 2;
                    }
                    case '`' -> throw new Unreadable("command substitution (`...`)");
                    case '$' -> {
                        expansion();
                        expands = true;
                    }
                    case '*', '?', '[', '{', '}' -> {
                        globs = true;
                        text.append(c);
                        at++;
                    }
                    case '~' -> {
                        // ~ or ~/... at a word's start is the upstream account's home; ~name is another user's
                        boolean ownHome = at + 1 >= line.length() || line.charAt(at + 1) == '/'
                                || WORD_END.indexOf(line.charAt(at + 1)) >= 0;
                        globs |= text.isEmpty() && !ownHome;
                        text.append(c);
                        at++;
                    }
                    default -> {
                        text.append(c);
                        at++;
                    }
                }
            }
            return new Word(text.toString(), expands, globs, expansions);
        }

        private boolean doubleQuoted(StringBuilder text) {
            boolean expands = false;
            at++;
            while (true) {
                if (at >= line.length()) {
                    throw new Unreadable("an unterminated quote (\")");
                }
                char c = line.charAt(at);
                rejectControl(c);
                if (c == '"') {
                    at++;
                    return expands;
                }
                if (c == '\\' && at + 1 < line.length() && "\"\\$`\n".indexOf(line.charAt(at + 1)) >= 0) {
                    text.append(line.charAt(at + 1));
                    at += 2;
                } else if (c == '`') {
                    throw new Unreadable("command substitution (`...`)");
                } else if (c == '$') {
                    expansion();
                    expands = true;
                } else {
                    text.append(c);
                    at++;
                }
            }
        }

        /** {@code $name}, {@code ${...}}, {@code $1}, {@code $?}: a value the gateway does not know. */
        private void expansion() {
            int start = at;
            expansionBody();
            expansions.add(line.substring(start, at));
        }

        private void expansionBody() {
            at++;
            if (at >= line.length()) {
                return;
            }
            char c = line.charAt(at);
            if (c == '(') {
                throw new Unreadable(line.startsWith("((", at) ? "arithmetic expansion $((...))" : "command substitution $(...)");
            }
            if (c == '[') {
                throw new Unreadable("arithmetic expansion $[...]");
            }
            if (c == '{') {
                int end = line.indexOf('}', at);
                if (end < 0) {
                    throw new Unreadable("an unterminated ${...}");
                }
                String inside = line.substring(at + 1, end);
                if (inside.contains("$(") || inside.contains("`")) {
                    throw new Unreadable("command substitution inside ${...}");
                }
                String runsCode = ParameterExpansion.runsCode(inside);
                if (runsCode != null) {
                    throw new Unreadable(runsCode);
                }
                if (inside.matches("[A-Za-z_][A-Za-z0-9_]*(\\[[^]]*])?:?=.*")) {
                    // ${PS4:=...}, ${LESSOPEN=...}: sets the variable, which can change what later commands run.
                    throw new Unreadable("a ${NAME:=...} that sets a variable");
                }
                at = end + 1;
                return;
            }
            if (c == '\'' || c == '"') {
                throw new Unreadable("a $'...' or $\"...\" string");
            }
            if (Character.isLetter(c) || c == '_') {
                while (at < line.length() && (Character.isLetterOrDigit(line.charAt(at)) || line.charAt(at) == '_')) {
                    at++;
                }
            } else {
                at++; // $1, $?, $$, $#, $@, $*, $!, $-
            }
        }

        private static void rejectControl(char c) {
            if ((c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw new Unreadable("a control character (0x" + Integer.toHexString(c) + ")");
            }
        }
    }
}
