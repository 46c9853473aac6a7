package dev.tracegate.gateway.recording;

import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.sql.LexingCache;
import java.util.List;

/**
 * What the evidence keeps of the commands clients write, and what approvers are shown of them:
 * SQL statements with their bind parameters, fast-path function arguments, HTTP request lines
 * and header values.
 * Credentials always go; with the policy's record profile ({@code masking.record}), personal data
 * goes too: values bound for protected columns whole, and whatever the content detectors find.
 * Each masked value leaves a {@link Redaction} with a keyed hash of the original. The command
 * itself runs as the client wrote it.
 */
public final class CommandRedaction {

    private final StatementRedactor statements;
    private final HttpRequestRedactor httpRequests;
    private final HashKey key;

    private CommandRedaction(LiteralMasker masker, HashKey key, LexingCache lexing) {
        this.statements = new StatementRedactor(masker, key, lexing);
        this.httpRequests = new HttpRequestRedactor(masker, key);
        this.key = key;
    }

    /** What the evidence keeps of a command's COPY data: how much, and its keyed hash (none without a key). */
    public CopiedData copiedData() {
        return new CopiedData(() -> key == null ? null : key.streamingMac());
    }

    /**
     * @param record the policy's record profile
     * @param key    the gateway's masking key, for the hashes of masked values ({@code null}: no hashes)
     * @param lexing the lexing cache the classifier uses too, so that a statement's shape is lexed once
     */
    public static CommandRedaction forRecord(Masker record, HashKey key, LexingCache lexing) {
        return new CommandRedaction(new LiteralMasker(record), key, lexing);
    }

    public static CommandRedaction forRecord(Masker record, HashKey key) {
        return forRecord(record, key, new LexingCache());
    }

    /** Credentials out, personal data kept: for approvers whom the policy lets see statements in clear. */
    public static CommandRedaction credentialsOnly(HashKey key, LexingCache lexing) {
        return new CommandRedaction(new LiteralMasker(null), key, lexing);
    }

    public static CommandRedaction credentialsOnly(HashKey key) {
        return credentialsOnly(key, new LexingCache());
    }

    /** A SQL text and its bind parameters ({@code null} for a simple query). */
    public RecordedCommand statement(String sql, List<String> parameters) {
        return statements.redact(sql, parameters);
    }

    /** A command described by the gateway (a fast-path function call), kept as it is, and its arguments. */
    public RecordedCommand call(String description, List<String> arguments) {
        return statements.redact("", arguments).withText(description);
    }

    /** An HTTP request line, {@code METHOD /path?query}. */
    public RecordedCommand requestLine(String line) {
        return httpRequests.redact(line);
    }

    /**
     * What a client calls itself (PostgreSQL's {@code application_name}, MySQL's
     * {@code program_name}) as {@code session.open} keeps it: text the client wrote, so masked like a
     * header's value ({@code nightly export for ada@example.com}).
     */
    public String clientName(String value) {
        return value == null ? null : httpRequests.header("application_name", value).text();
    }

    /** The value of an HTTP request header (lower-case {@code name}); its redactions name the header. */
    public RecordedCommand header(String name, String value) {
        return httpRequests.header(name, value);
    }
}
