package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.LexedSql;
import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Code the database runs on a statement's behalf while the statement names none of it: a
 * relation's triggers, rules, defaults, check constraints and index expressions (on a write), its
 * row-level policies (on any use), the functions of the casts, domain checks and default operator
 * classes of a type (where a value takes or leaves the type), event triggers (on a schema change),
 * and a cast between built-in types (anywhere). Someone who sees personal data wrote it, and it
 * may read a protected table and hand what it read to the caller: {@code 'x'::badge} through a
 * cast whose function selects every name, an {@code INSERT} whose trigger copies every name into a
 * table the caller reads (docs/masking.md, "Code in the database").
 *
 * <p>For each place code is reached from, this holds the words the code names, followed through
 * the database's functions it calls (their bodies) and the relations it writes (their own code):
 * {@link ProtectedSchema#readsProtectedData} then says, for one profile, whether any of them is
 * protected data. A body the gateway cannot read (dynamic SQL, a procedural language other than
 * SQL and PL/pgSQL, text it cannot lex) counts as naming {@link #ANYTHING}. C and internal
 * functions are the server's and its extensions' and read no tables by themselves: they add no
 * words.
 */
public final class DatabaseCode {

    /** Stands for every relation: code the gateway cannot read. */
    static final String ANYTHING = "*";
    /** Stands for an assignment in a body ({@code :=}, {@code NEW.v = ...}): a trigger may change the row it stores. */
    private static final String ASSIGNS = "\0:=";
    /**
     * Words of code that stores, sends or leaves behind a value where a caller may read it: a
     * write, a schema change, a setting, a sequence, a notification, a large object, a lock's key,
     * another database, a logical message.
     */
    private static final Set<String> COPIES = Set.of("insert", "update", "delete", "merge", "copy", "create", "alter",
            "comment", "security", "grant", "refresh", "notify", "set_config", "setval", "pg_notify", "lo_from_bytea",
            "lo_put", "lowrite", "lo_create", "lo_import", "lo_export", "lo_open", "dblink", "dblink_exec",
            "dblink_send_query", "dblink_open", "pg_logical_emit_message", "pg_advisory_lock", "pg_advisory_xact_lock",
            "pg_try_advisory_lock", "pg_try_advisory_xact_lock", "pg_advisory_lock_shared",
            "pg_advisory_xact_lock_shared", "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock_shared",
            "pg_file_write", "pg_create_restore_point", ANYTHING, ASSIGNS);

    public static final DatabaseCode NONE = new DatabaseCode(List.of(), List.of(), List.of());

    /** Where code is reached from. */
    public enum Reach {
        /** A write to (or maintenance of) the relation {@code reachedBy}: rules, defaults, checks, index expressions. */
        WRITE,
        /**
         * A write to the relation {@code reachedBy} through a trigger, which hands nothing back by
         * itself: it counts only when its code may copy what it reads ({@link #COPIES}, an
         * assignment such as {@code NEW.v := ...}, a body the gateway cannot read). A trigger that
         * only RAISEs what it read reaches the caller with its message withheld (docs/masking.md).
         */
        TRIGGER,
        /** Any statement naming the relation {@code reachedBy}: row-level policies. */
        USE,
        /** A value taking or leaving the type {@code reachedBy}: a cast's function, a domain check, a default operator class. */
        TYPE,
        /** Any statement: a cast between two built-in types. */
        EVERYWHERE,
        /** A schema change: an event trigger. */
        SCHEMA_CHANGE
    }

    /** One piece of code: where it is reached and its text (an expression, a rule, or the names of the functions it runs). */
    public record Attached(Reach reach, String reachedBy, String code) {
    }

    /** A function of the database: its name, language and body (an aggregate's: its support functions' names). */
    public record Routine(String name, String language, String body) {
    }

    /** A write to {@code from} writes {@code to} as well: a foreign key's action, a partition or child, a view's table. */
    public record WritesThrough(String from, String to) {
    }

    private final Map<String, List<Routine>> routines = new HashMap<>();
    private final Map<Reach, Map<String, List<String>>> attached = new HashMap<>();
    private final Map<String, List<String>> writesThrough = new HashMap<>();
    private final Map<String, Set<String>> routineWords = new HashMap<>();
    private final Map<String, Set<String>> onWrite = new HashMap<>();
    private final Map<String, Set<String>> onUse = new HashMap<>();
    private final Map<String, Set<String>> byType = new HashMap<>();
    private final Set<String> everywhere;
    private final Set<String> onSchemaChange;

    public DatabaseCode(List<Attached> code, List<Routine> routines, List<WritesThrough> writes) {
        for (Routine routine : routines) {
            this.routines.computeIfAbsent(routine.name(), k -> new ArrayList<>()).add(routine);
        }
        for (Attached piece : code) {
            attached.computeIfAbsent(piece.reach(), k -> new HashMap<>())
                    .computeIfAbsent(piece.reachedBy(), k -> new ArrayList<>()).add(piece.code());
        }
        for (WritesThrough write : writes) {
            writesThrough.computeIfAbsent(write.from(), k -> new ArrayList<>()).add(write.to());
        }
        Set<String> written = new HashSet<>(reachedBy(Reach.WRITE));
        written.addAll(reachedBy(Reach.TRIGGER));
        written.addAll(writesThrough.keySet());
        for (String relation : written) {
            onWrite.put(relation, new Closure().relation(relation).words);
        }
        onWrite.values().removeIf(Set::isEmpty);
        for (String relation : reachedBy(Reach.USE)) {
            onUse.put(relation, new Closure().pieces(Reach.USE, relation).words);
        }
        for (String type : reachedBy(Reach.TYPE)) {
            byType.put(type, new Closure().pieces(Reach.TYPE, type).words);
        }
        everywhere = Set.copyOf(new Closure().pieces(Reach.EVERYWHERE, "").words);
        onSchemaChange = Set.copyOf(new Closure().pieces(Reach.SCHEMA_CHANGE, "").words);
    }

    public boolean isEmpty() {
        return onWrite.isEmpty() && onUse.isEmpty() && byType.isEmpty() && everywhere.isEmpty()
                && onSchemaChange.isEmpty();
    }

    /** What the code a write to this relation runs names (its own, and that of every relation the write reaches). */
    Set<String> onWrite(String relation) {
        return onWrite.getOrDefault(relation, Set.of());
    }

    /** Every relation a write runs code on. */
    Set<String> relationsWithCodeOnWrite() {
        return onWrite.keySet();
    }

    Set<String> onUse(String relation) {
        return onUse.getOrDefault(relation, Set.of());
    }

    Set<String> byType(String type) {
        return byType.getOrDefault(type, Set.of());
    }

    /** {@link #byType(String)} of a type named by its OID ({@code TYPE} code reached by {@code #oid}). */
    Set<String> byTypeOid(int oid) {
        return byType.getOrDefault("#" + Integer.toUnsignedString(oid), Set.of());
    }

    Set<String> everywhere() {
        return everywhere;
    }

    Set<String> onSchemaChange() {
        return onSchemaChange;
    }

    private Set<String> reachedBy(Reach reach) {
        return attached.getOrDefault(reach, Map.of()).keySet();
    }

    private Set<String> routineWords(Routine routine) {
        return routineWords.computeIfAbsent(routine.name() + "\0" + routine.body(), k -> switch (routine.language()) {
            case "c", "internal" -> Set.of();
            case "sql", "plpgsql" -> {
                Set<String> words = words(routine.body());
                // PL/pgSQL's EXECUTE runs a text built at run time: no word of it need be in the body.
                yield routine.language().equals("plpgsql") && words.contains("execute") ? Set.of(ANYTHING) : words;
            }
            default -> Set.of(ANYTHING);
        });
    }

    private static Set<String> words(String text) {
        if (text == null) {
            return Set.of();
        }
        LexedSql lexed = SqlLexer.lex(text);
        if (lexed.unterminated().isPresent()) {
            return Set.of(ANYTHING);
        }
        Set<String> words = new HashSet<>();
        List<SqlToken> tokens = lexed.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.isIdentifier()) {
                words.add(token.text());
            }
            if (assigns(tokens, i)) {
                words.add(ASSIGNS);
            }
        }
        return words;
    }

    /**
     * PL/pgSQL's {@code :=}, and {@code NEW.v = ...} (PL/pgSQL also assigns with {@code =}) where a
     * statement starts: after a semicolon or a word that ends a condition or opens a block.
     */
    private static boolean assigns(List<SqlToken> tokens, int i) {
        SqlToken token = tokens.get(i);
        if (token.isSymbol(":") && i + 1 < tokens.size() && tokens.get(i + 1).isSymbol("=")) {
            return true;
        }
        if (token.isSymbol(":=")) {
            return true;
        }
        boolean statementStart = i == 0 || tokens.get(i - 1).kind() == SqlToken.Kind.SEMICOLON
                || Set.of("begin", "then", "else", "loop").contains(tokens.get(i - 1).word());
        return statementStart && (token.isWord("new") || token.isWord("old"))
                && (i + 1 < tokens.size() && (tokens.get(i + 1).isSymbol(".") || tokens.get(i + 1).isSymbol("=")));
    }

    /** Whether code, or a function it calls at any depth, may store, send or leave behind a value ({@link #COPIES}). */
    private boolean mayStore(String code) {
        Set<String> seen = new HashSet<>();
        List<String> pending = new ArrayList<>(words(code));
        while (!pending.isEmpty()) {
            String word = pending.removeLast();
            if (COPIES.contains(word)) {
                return true;
            }
            if (seen.add(word)) {
                routines.getOrDefault(word, List.of()).forEach(routine -> pending.addAll(routineWords(routine)));
            }
        }
        return false;
    }

    /** The words code names, following the functions it calls and the relations it writes to their own code. */
    private final class Closure {
        private final Set<String> words = new HashSet<>();
        private final Set<String> seen = new HashSet<>();

        Closure pieces(Reach reach, String reachedBy) {
            for (String piece : attached.getOrDefault(reach, Map.of()).getOrDefault(reachedBy, List.of())) {
                code(piece);
            }
            return this;
        }

        Closure relation(String relation) {
            if (seen.add("r\0" + relation)) {
                pieces(Reach.WRITE, relation);
                pieces(Reach.USE, relation);
                for (String trigger : attached.getOrDefault(Reach.TRIGGER, Map.of()).getOrDefault(relation, List.of())) {
                    if (mayStore(trigger)) {
                        code(trigger);
                    }
                }
                writesThrough.getOrDefault(relation, List.of()).forEach(this::relation);
            }
            return this;
        }

        private void code(String text) {
            words(text).forEach(this::word);
        }

        private void word(String word) {
            words.add(word);
            if (seen.add("f\0" + word)) {
                for (Routine routine : routines.getOrDefault(word, List.of())) {
                    routineWords(routine).forEach(this::word);
                }
            }
            // A body that writes a relation runs that relation's code too (it may read as well: the same words).
            relation(word);
        }
    }
}
