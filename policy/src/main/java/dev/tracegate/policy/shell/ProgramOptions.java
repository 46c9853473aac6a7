package dev.tracegate.policy.shell;

import dev.tracegate.policy.shell.ShellLine.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The options a program takes, read as getopt_long reads them: short ones alone or in clusters
 * ({@code -nD FILE}, {@code -DFILE}), long ones by their name or a prefix of it ({@code --diag=FILE},
 * {@code --di FILE}), options after operands too, {@code --} ending them. A program on the
 * classifier's read list is a read only with options from its table (and its own checks of the
 * listed ones that write or change the host): an option the table does not hold, or a word only
 * known once expanded where an option may stand (it may expand to any option), is not read.
 *
 * @param flags       short options without a value
 * @param valued      short options whose value is the rest of the word or the next word
 * @param optional    short options whose value, if any, is the rest of the word ({@code -b-1})
 * @param longFlags   long options without a value (or with an optional {@code =VALUE})
 * @param longValued  long options whose value is after {@code =} or the next word
 */
record ProgramOptions(String flags, String valued, String optional, Set<String> longFlags, Set<String> longValued) {

    ProgramOptions {
        longFlags = Set.copyOf(longFlags);
        longValued = Set.copyOf(longValued);
    }

    /**
     * The words read against the table.
     *
     * @param known    whether every option is one of the table's, so the line is read as the table says
     * @param operands the words that are no option and no option's value, in order
     */
    record Reading(boolean known, List<Word> operands) {

        Reading {
            operands = List.copyOf(operands);
        }
    }

    Reading read(List<Word> args) {
        List<Word> operands = new ArrayList<>();
        boolean known = true;
        boolean ended = false;
        for (int i = 0; i < args.size(); i++) {
            Word arg = args.get(i);
            String text = arg.text();
            if (ended) {
                operands.add(arg);
            } else if (!arg.literal()) {
                known = false; // "$X" may expand to any option, --cursor-file=/etc/x among them
                operands.add(arg);
            } else if (text.equals("--")) {
                ended = true;
            } else if (!text.startsWith("-") || text.equals("-")) {
                operands.add(arg);
            } else if (text.startsWith("--")) {
                String name = text.indexOf('=') < 0 ? text.substring(2) : text.substring(2, text.indexOf('='));
                LongOption option = longOption(name);
                known &= option != LongOption.NONE;
                i += option == LongOption.VALUED && text.indexOf('=') < 0 ? 1 : 0;
            } else {
                int taken = cluster(text);
                known &= taken >= 0;
                i += Math.max(taken, 0);
            }
        }
        return new Reading(known, operands);
    }

    private enum LongOption { NONE, FLAG, VALUED }

    /**
     * What a long option's name, whole or abbreviated, is in the table. getopt_long takes any prefix
     * that names one option: a prefix of the table's options names one of them or is refused by the
     * program as ambiguous, so either way no option outside the table runs. A prefix of both kinds
     * reads as a flag, so the next word is read as the option it may be.
     */
    private LongOption longOption(String name) {
        if (longValued.contains(name)) {
            return LongOption.VALUED;
        }
        if (name.isEmpty() || longFlags.contains(name)) {
            return name.isEmpty() ? LongOption.NONE : LongOption.FLAG;
        }
        if (longFlags.stream().anyMatch(o -> o.startsWith(name))) {
            return LongOption.FLAG;
        }
        return longValued.stream().anyMatch(o -> o.startsWith(name)) ? LongOption.VALUED : LongOption.NONE;
    }

    /** The words after a short-option cluster that it takes as a value (0 or 1), or -1 for a letter not in the table. */
    private int cluster(String text) {
        for (int at = 1; at < text.length(); at++) {
            char letter = text.charAt(at);
            if (valued.indexOf(letter) >= 0) {
                return at == text.length() - 1 ? 1 : 0;
            }
            if (optional.indexOf(letter) >= 0) {
                return 0;
            }
            if (flags.indexOf(letter) < 0) {
                return -1;
            }
        }
        return 0;
    }
}
