package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * CommandComplete ('C'): a statement finished. The tag is the command name, for some commands followed by
 * a row count ("SELECT 10", "UPDATE 3", "COPY 3"); INSERT also carries a legacy OID that is always 0
 * ("INSERT 0 5").
 */
public record CommandComplete(String tag) implements PgMessage {

    public static final byte TYPE = 'C';

    public CommandComplete {
        Objects.requireNonNull(tag, "tag");
    }

    public static CommandComplete decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "CommandComplete");
        String tag = reader.readCString();
        reader.expectEnd();
        return new CommandComplete(tag);
    }

    /** The row count: the last word of the tag when it is a number; empty for tags like "BEGIN". */
    public OptionalLong rowCount() {
        int lastSpace = tag.lastIndexOf(' ');
        if (lastSpace < 0) {
            return OptionalLong.empty();
        }
        // Read in place: every statement's CommandComplete passes here, a substring each would be garbage.
        if (!isNumber(tag, lastSpace + 1, tag.length())) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(tag, lastSpace + 1, tag.length(), 10));
        } catch (NumberFormatException tooLarge) {
            // The server counts in uint64; a count beyond Long.MAX_VALUE is reported as unknown.
            return OptionalLong.empty();
        }
    }

    /** The command without its numbers: "INSERT 0 5" gives "INSERT", "CREATE TABLE" stays as is. */
    public String command() {
        String rest = tag;
        int lastSpace;
        while ((lastSpace = rest.lastIndexOf(' ')) >= 0 && isNumber(rest.substring(lastSpace + 1))) {
            rest = rest.substring(0, lastSpace);
        }
        return rest;
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(tag.length() + 1).cstring(tag).toByteArray());
    }

    private static boolean isNumber(String word) {
        return isNumber(word, 0, word.length());
    }

    /** Whether {@code text[from, to)} is one or more ASCII digits. */
    private static boolean isNumber(String text, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
