package dev.tracegate.policy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * MySQL's CREATE, ALTER and DROP. The object type decides between DDL, PRIVILEGE (accounts, and
 * objects that run with another account's privileges through {@code DEFINER=}) and DANGEROUS_ADMIN
 * (shared libraries, other servers, files and directories of the server). Routines, triggers and
 * events are at least as risky as the statements in their bodies: a trigger or event runs its
 * body later, without the gateway seeing it.
 */
final class MySqlSchemaRules {

    private static final Set<String> MODIFIERS = Set.of(
            "temporary", "aggregate", "online", "offline", "ignore", "unique", "fulltext", "spatial", "undo");
    private static final Set<String> DDL_OBJECTS = Set.of(
            "table", "database", "schema", "view", "index", "sequence", "package", "spatial", "fulltext");
    private static final Set<String> BODY_OBJECTS = Set.of("procedure", "function", "trigger", "event");
    private static final Set<String> SERVER_FILE_OBJECTS = Set.of("tablespace", "logfile", "instance", "server");
    private static final Set<String> REMOTE_ENGINES = Set.of("federated", "connect", "spider");
    /** Words that start a statement worth looking at inside a body. */
    private static final Set<String> BODY_VERBS = Set.of(
            "insert", "replace", "update", "delete", "truncate", "create", "alter", "drop", "rename", "grant", "revoke",
            "set", "prepare", "execute", "call", "load", "handler", "lock", "flush", "kill", "shutdown", "restart",
            "install", "uninstall", "purge", "reset", "change", "start", "stop", "xa", "clone", "binlog", "import",
            "cache");
    /** Statements that, inside a body, count even when not understood: they run what the gateway cannot read. */
    private static final Set<String> OPAQUE_IN_BODY = Set.of("prepare", "execute", "call");
    /** More statement starts than this in one body are not looked at one by one. */
    private static final int MAX_BODY_CANDIDATES = 200;

    private MySqlSchemaRules() {
    }

    static ClassFinding classify(TokenSpan t, int depth) {
        String verb = t.word(0).toUpperCase(Locale.ROOT);
        if (t.containsWord("soname")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, verb + " FUNCTION SONAME",
                    "loads a shared library into the server as a user-defined function");
        }
        int i = 1;
        if (t.isWord(i, "or") && t.isWord(i + 1, "replace")) {
            i += 2;
        }
        boolean definer = false;
        while (true) {
            if (t.isWord(i, "definer")) {
                definer = true;
                i = skipAccount(t, t.isSymbol(i + 1, "=") ? i + 2 : i + 1);
            } else if (t.isWord(i, "algorithm") && t.isSymbol(i + 1, "=")) {
                i += 3;
            } else if (t.isWord(i, "sql") && t.isWord(i + 1, "security")) {
                i += 3;
            } else if (MODIFIERS.contains(t.word(i)) && !t.word(i + 1).isEmpty()) {
                i++;
            } else {
                break;
            }
        }
        String type = t.word(i);
        String command = verb + " " + type.toUpperCase(Locale.ROOT);
        ClassFinding verdict = byType(t, verb, type, command, i + 1, depth);
        if (definer) {
            verdict = verdict.escalate(StatementClass.PRIVILEGE,
                    "DEFINER= makes the object run with the privileges of the account it names");
        }
        return verdict;
    }

    private static ClassFinding byType(TokenSpan t, String verb, String type, String command, int afterType,
                                       int depth) {
        if (type.equals("user") || type.equals("role")) {
            return ClassFinding.of(StatementClass.PRIVILEGE, command, "changes accounts or roles");
        }
        if (SERVER_FILE_OBJECTS.contains(type)) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "changes files of the server, the server itself, or its connections to other servers");
        }
        if (type.equals("prepare") && verb.equals("DROP")) {
            return ClassFinding.of(StatementClass.SESSION, "DROP PREPARE");
        }
        if (type.equals("event") && !verb.equals("DROP") && scheduledToRun(t, verb, afterType)) {
            // No later statement runs an event: the server does, on its schedule, where the gateway never sees it.
            return body(ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "an event runs its body on the server's schedule, outside any session the gateway sees"),
                    t, afterType, depth);
        }
        if (BODY_OBJECTS.contains(type)) {
            ClassFinding base = ClassFinding.of(StatementClass.DDL, command);
            return verb.equals("DROP") ? base : body(base, t, afterType, depth);
        }
        if (type.equals("table")) {
            return table(t, command);
        }
        if (DDL_OBJECTS.contains(type)) {
            return ClassFinding.of(StatementClass.DDL, command);
        }
        return ClassFinding.unknown(verb, "unrecognised " + verb + " statement");
    }

    /**
     * Whether a CREATE or ALTER EVENT leaves the event to run: a CREATE unless it is made {@code DISABLE}d
     * ({@code DISABLE ON REPLICA} runs where it is made), an ALTER that gives it a body or enables it
     * ({@code DO ...}, {@code ENABLE}); {@code ALTER EVENT e DISABLE} or {@code RENAME TO} only stops or names it.
     */
    private static boolean scheduledToRun(TokenSpan t, String verb, int from) {
        boolean create = verb.equals("CREATE");
        for (int i = from; i < t.size() && !(create && t.isWord(i, "do")); i++) {
            if (t.isWord(i, "do") || t.isWord(i, "enable")) {
                return true;
            }
            if (create && t.isWord(i, "disable") && !t.isWord(i + 1, "on")) {
                return false;
            }
        }
        return create;
    }

    /** A table of a FEDERATED or CONNECT engine reaches other servers or files; DATA/INDEX DIRECTORY places files. */
    private static ClassFinding table(TokenSpan t, String command) {
        for (int i = 0; i < t.size(); i++) {
            if (t.isWord(i, "engine")) {
                int value = t.isSymbol(i + 1, "=") ? i + 2 : i + 1;
                if (value < t.size() && REMOTE_ENGINES.contains(t.get(value).text().toLowerCase(Locale.ROOT))) {
                    return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                            "a " + t.get(value).text() + " table reaches another server or the server's files");
                }
            } else if (t.isWord(i, "connection") && (t.isSymbol(i + 1, "=") || (i + 1 < t.size()
                    && t.get(i + 1).kind() == SqlToken.Kind.STRING))) {
                return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command, "CONNECTION= reaches another server");
            } else if (t.isWord(i, "directory") && (t.isWord(i - 1, "data") || t.isWord(i - 1, "index"))) {
                return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                        "DATA/INDEX DIRECTORY puts table files in a directory of the server");
            }
        }
        return ClassFinding.of(StatementClass.DDL, command);
    }

    /**
     * The riskiest recognised statement of a routine's or trigger's body as the catalog shows it
     * ({@link CalledCode}), if any: its description, or none when the body only reads or does nothing known.
     */
    static Optional<ClassFinding> riskiestIn(String body, boolean backslashEscapes, int depth) {
        List<SqlToken> tokens = new ArrayList<>();
        for (SqlToken token : MySqlLexer.lex(body, MySqlReading.first(backslashEscapes)).lexed().tokens()) {
            if (token.kind() != SqlToken.Kind.COMMENT) {
                tokens.add(token);
            }
        }
        ClassFinding none = ClassFinding.of(StatementClass.TRANSACTION, "");
        ClassFinding found = body(none, new TokenSpan(tokens), 0, depth);
        return found == none ? Optional.empty() : Optional.of(found);
    }

    /**
     * Raises {@code verdict} to the riskiest recognised statement in a body. Procedural code is
     * not SQL, so every place a statement keyword appears is tried and only recognised statements
     * count, except those that run what cannot be read (PREPARE, EXECUTE, CALL).
     */
    private static ClassFinding body(ClassFinding verdict, TokenSpan t, int from, int depth) {
        ClassFinding result = verdict;
        int candidates = 0;
        for (int i = from; i < t.size(); i++) {
            String word = t.word(i);
            if (!BODY_VERBS.contains(word)) {
                continue;
            }
            if (++candidates > MAX_BODY_CANDIDATES) {
                return result.escalate(StatementClass.UNKNOWN, "body too large to inspect");
            }
            ClassFinding inner = MySqlCommandRules.dispatchNested(t.from(i), depth + 1);
            boolean counts = inner.statementClass() != StatementClass.UNKNOWN || OPAQUE_IN_BODY.contains(word);
            if (counts && inner.statementClass().risk() > result.statementClass().risk()) {
                result = result.escalate(inner.statementClass(),
                        "the body contains " + inner.command() + " (" + inner.statementClass() + ")");
            }
        }
        return result;
    }

    /** Index after an account: {@code user}, {@code 'user'@'host'}, {@code CURRENT_USER[()]}. */
    private static int skipAccount(TokenSpan t, int i) {
        int p = i + 1;
        if (t.isSymbol(p, "(") && t.isSymbol(p + 1, ")")) {
            p += 2;
        }
        if (p < t.size() && t.get(p).kind() == SqlToken.Kind.PARAMETER) {
            p++;
        }
        return p;
    }
}
