package dev.tracegate.masking;

import java.util.regex.Pattern;

/**
 * The prompt a pager shows at the foot of a screen while it waits for a key: {@code less}'s
 * {@code :}, {@code (END)} and {@code lines 1-24/90 26%}, {@code more}'s {@code --More--(40%)}
 * (psql's and MariaDB's pagers, {@code man}'s). Unlike a shell's prompt it ends nothing: the
 * next key erases it and the pager goes on with the output where the screen cut it, so a record
 * or a wrapped row the screen cut is still open when it shows.
 */
final class PagerPrompt {

    private static final Pattern PROMPT = Pattern.compile(
            ":|\\(END\\)|--More--(\\(\\d{1,3}%\\))?|lines \\d+-\\d+(/\\d+)?( \\d{1,3}%)?( \\(END\\))?|byte \\d+(/\\d+)?( \\d{1,3}%)?");

    private PagerPrompt() {
    }

    /** Whether the text from {@code from} to the end of {@code text}, an unfinished last line, is a pager's prompt. */
    static boolean endsWith(String text, int from) {
        int end = text.length();
        while (from < end && text.charAt(from) == ' ') {
            from++;
        }
        while (end > from && text.charAt(end - 1) == ' ') {
            end--;
        }
        return end > from && end - from <= 40 && PROMPT.matcher(text).region(from, end).matches();
    }
}
