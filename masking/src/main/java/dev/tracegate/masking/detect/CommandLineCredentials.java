package dev.tracegate.masking.detect;

import dev.tracegate.masking.detect.SecretDetector.NameKind;

/**
 * Credentials given to a command as options, the way a shell history, a CI log or an agent's tool
 * call shows them: {@code --password hunter2}, {@code -storepass changeit}, {@code --token abc...}
 * (the {@code --name=value} form is an assignment the detector reads anyway), curl's and wget's
 * {@code -u user:password} and {@code --user user:password}, the MySQL clients' glued {@code -pSecret} and
 * {@code -p'Secret'}, {@code sshpass -p secret} and {@code redis-cli -a secret}. Short options mean
 * a password only for the commands that define them so, so {@code mkdir -p}, {@code -p 8080} or
 * docker's {@code -u 1000:1000} stay.
 */
final class CommandLineCredentials {

    private static final int MAX_OPTION = 32;
    /** How far back on its line the command that gives a short option its meaning may be. */
    private static final int COMMAND_REACH = 200;

    private CommandLineCredentials() {
    }

    /** The credential given with the option whose first dash sits at {@code dash}, packed {@code start << 32 | end}, or -1. */
    static long at(CharSequence text, int dash) {
        if (dash + 2 < text.length() && text.charAt(dash + 1) == 'p' && text.charAt(dash + 2) != ' '
                && text.charAt(dash + 2) != '-' && commandBefore(text, dash, "mysql", "mariadb")) {
            return value(text, dash + 2, NameKind.PASSWORD); // mysql -uroot -pSecret
        }
        int nameStart = dash + 1;
        if (nameStart < text.length() && text.charAt(nameStart) == '-') {
            nameStart++;
        }
        int nameEnd = nameStart;
        while (nameEnd < text.length() && nameEnd - nameStart <= MAX_OPTION
                && (Chars.isAsciiAlnum(text.charAt(nameEnd)) || text.charAt(nameEnd) == '-' || text.charAt(nameEnd) == '_')) {
            nameEnd++;
        }
        if (nameEnd == nameStart || nameEnd - nameStart > MAX_OPTION) {
            return -1;
        }
        if (nameEnd - nameStart == 1 && nameStart == dash + 1) {
            return shortOption(text, dash, text.charAt(nameStart));
        }
        if (nameEnd + 1 >= text.length() || (text.charAt(nameEnd) != ' ' && text.charAt(nameEnd) != '=')) {
            return -1;
        }
        if (SecretDetector.lastWordIs(text, nameStart, nameEnd, "user")) {
            // curl's --user user:password; docker's --user 1000:1000 is a user and a group
            return commandBefore(text, dash, "curl", "wget") ? passwordAfterUser(text, nameEnd + 1) : -1;
        }
        if (text.charAt(nameEnd) == '=') {
            return -1; // --password=value is read as an assignment
        }
        NameKind kind = SecretDetector.nameKind(text, nameStart, nameEnd);
        if (kind == NameKind.NONE && endsWith(text, nameEnd, "pass") && !endsWith(text, nameEnd, "bypass")) {
            kind = NameKind.PASSWORD; // keytool -storepass, -keypass, -srcstorepass
        }
        if (kind == NameKind.NONE || kind == NameKind.COOKIE) {
            return -1;
        }
        return value(text, nameEnd + 1, kind);
    }

    /** {@code -u user:pw}, {@code -p secret} after sshpass, {@code -a secret} after redis-cli. */
    private static long shortOption(CharSequence text, int dash, char option) {
        int after = dash + 2;
        if (after >= text.length()) {
            return -1;
        }
        char next = text.charAt(after);
        if (option == 'u' && next == ' ' && commandBefore(text, dash, "curl", "wget")) {
            return passwordAfterUser(text, after + 1);
        }
        if (next == ' ' && ((option == 'p' && commandBefore(text, dash, "sshpass", "sshpass"))
                || (option == 'a' && commandBefore(text, dash, "redis-cli", "valkey-cli")))) {
            return value(text, after + 1, NameKind.PASSWORD);
        }
        return -1;
    }

    /** The password of {@code user:password} starting at {@code v}, as curl's {@code -u} takes it. */
    private static long passwordAfterUser(CharSequence text, int v) {
        int[] span = SecretDetector.valueAt(text, v);
        for (int k = span[0]; k < span[1]; k++) {
            char c = text.charAt(k);
            if (c == ':') {
                return k > span[0] && k + 1 < span[1] && SecretDetector.looksLikePassword(text.subSequence(k + 1, span[1]).toString())
                        ? ((long) (k + 1) << 32) | span[1] : -1;
            }
            if (c == '/') {
                return -1; // a URL, not user:password
            }
        }
        return -1;
    }

    private static long value(CharSequence text, int v, NameKind kind) {
        if (v >= text.length() || text.charAt(v) == '-') {
            return -1; // the next option, not a value
        }
        int[] span = SecretDetector.valueAt(text, v);
        String value = text.subSequence(span[0], span[1]).toString();
        boolean secret = kind == NameKind.PASSWORD ? SecretDetector.looksLikePassword(value) : SecretDetector.looksRandom(value);
        return secret ? ((long) span[0] << 32) | span[1] : -1;
    }

    private static boolean commandBefore(CharSequence text, int dash, String command, String other) {
        int lineStart = dash;
        while (lineStart > 0 && dash - lineStart < COMMAND_REACH && text.charAt(lineStart - 1) != '\n') {
            lineStart--;
        }
        return SecretDetector.containsIgnoreCase(text, command, lineStart, dash)
                || SecretDetector.containsIgnoreCase(text, other, lineStart, dash);
    }

    private static boolean endsWith(CharSequence text, int end, String suffix) {
        return end >= suffix.length() && SecretDetector.containsIgnoreCase(text, suffix, end - suffix.length(), end);
    }
}
