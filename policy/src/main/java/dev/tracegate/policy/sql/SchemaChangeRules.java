package dev.tracegate.policy.sql;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CREATE / ALTER / DROP and the other schema, privilege and maintenance commands. The object type
 * decides between DDL, PRIVILEGE (roles, grants, ownership, row-level security, credentials) and
 * DANGEROUS_ADMIN (code or connections that reach outside the database). An object type that is not
 * recognised is UNKNOWN.
 */
final class SchemaChangeRules {

    /** Multi-word object types first, so that USER MAPPING wins over USER. */
    private static final List<String> OBJECT_TYPES = List.of(
            "foreign data wrapper", "text search configuration", "text search dictionary", "text search parser",
            "text search template", "materialized view", "foreign table", "event trigger", "user mapping",
            "default privileges", "access method", "operator class", "operator family", "large object",
            "table", "view", "index", "sequence", "schema", "database", "function", "procedure", "routine",
            "aggregate", "trigger", "rule", "type", "domain", "extension", "language", "role", "user", "group",
            "policy", "server", "subscription", "publication", "tablespace", "collation", "conversion", "cast",
            "operator", "statistics", "transform", "owned", "system");

    private static final Set<String> MODIFIERS = Set.of(
            "temp", "temporary", "local", "global", "unlogged", "unique", "recursive", "trusted", "procedural",
            "constraint", "default", "concurrently");

    private static final Set<String> PRIVILEGE_OBJECTS = Set.of(
            "role", "user", "group", "policy", "user mapping", "default privileges", "owned");

    private static final Set<String> ROUTINES = Set.of("function", "procedure", "routine");
    /** Objects whose {@code ALTER ... SET} gives every later session of theirs the setting. */
    private static final Set<String> SESSION_DEFAULTS = Set.of("database", "role", "user");

    private static final Set<String> DANGEROUS_OBJECTS = Set.of(
            "language", "foreign data wrapper", "subscription");

    private static final Set<String> DANGEROUS_EXTENSIONS = Set.of(
            "adminpack", "dblink", "file_fdw", "postgres_fdw", "plpython3u", "plpython2u", "plpythonu", "plperlu",
            "pltclu", "plsh", "pageinspect", "pg_surgery", "xml2", "plr", "plproxy", "pg_cron", "pg_background",
            "http", "pg_net", "pg_walinspect");

    /** ALTER SYSTEM settings that run programs or load code in the server. */
    private static final Set<String> CODE_RUNNING_SETTINGS = Set.of(
            "archive_command", "archive_library", "restore_command", "shared_preload_libraries",
            "session_preload_libraries", "local_preload_libraries", "dynamic_library_path", "ssl_passphrase_command",
            "recovery_end_command", "archive_cleanup_command");

    private SchemaChangeRules() {
    }

    static ClassFinding classify(TokenSpan t, int depth) {
        String verb = t.word(0);
        return switch (verb) {
            case "grant", "revoke" -> ClassFinding.of(StatementClass.PRIVILEGE, verb.toUpperCase(Locale.ROOT),
                    "changes privileges");
            case "reassign" -> ClassFinding.of(StatementClass.PRIVILEGE, "REASSIGN OWNED", "changes ownership");
            case "security" -> ClassFinding.of(StatementClass.PRIVILEGE, "SECURITY LABEL", "changes security labels");
            case "comment" -> ClassFinding.of(StatementClass.DDL, "COMMENT");
            case "reindex", "cluster" -> ClassFinding.of(StatementClass.DDL, verb.toUpperCase(Locale.ROOT),
                    verb.toUpperCase(Locale.ROOT) + " rebuilds under an exclusive lock");
            case "refresh" -> ClassFinding.of(StatementClass.DDL, "REFRESH MATERIALIZED VIEW");
            case "vacuum" -> t.containsName("full")
                    ? ClassFinding.of(StatementClass.DDL, "VACUUM FULL", "VACUUM FULL rewrites tables under an exclusive lock")
                    : ClassFinding.of(StatementClass.WRITE, "VACUUM", "maintenance");
            case "analyze", "analyse" -> ClassFinding.of(StatementClass.WRITE, "ANALYZE", "maintenance");
            case "import" -> ClassFinding.of(StatementClass.DDL, "IMPORT FOREIGN SCHEMA");
            default -> createAlterDrop(t, depth);
        };
    }

    private static ClassFinding createAlterDrop(TokenSpan t, int depth) {
        String verb = t.word(0).toUpperCase(Locale.ROOT);
        int i = 1;
        if (t.isWord(i, "or") && t.isWord(i + 1, "replace")) {
            i += 2;
        }
        while (MODIFIERS.contains(t.word(i)) && !objectTypeAt(t, i).isPresent()) {
            i++;
        }
        Optional<String> type = objectTypeAt(t, i);
        if (type.isEmpty()) {
            return ClassFinding.unknown(verb, "unrecognised " + verb + " statement");
        }
        String objectType = type.get();
        String command = verb + " " + objectType.toUpperCase(Locale.ROOT);
        int afterType = i + objectType.split(" ").length;
        ClassFinding verdict = baseVerdict(t, verb, objectType, command, afterType, depth);
        if (verb.equals("ALTER") && ROUTINES.contains(objectType)) {
            verdict = routineSettings(verdict, t, t.size(), "the routine runs with SET: ");
        } else if (verb.equals("ALTER") && SESSION_DEFAULTS.contains(objectType)) {
            verdict = routineSettings(verdict, t, t.size(), "every later session of it starts with SET: ");
        }
        return verb.equals("CREATE") ? createEscalations(verdict, t, objectType) : alterEscalations(verdict, t, verb);
    }

    private static ClassFinding baseVerdict(TokenSpan t, String verb, String objectType, String command, int afterType,
                                       int depth) {
        if (objectType.equals("system")) {
            return alterSystem(t, command, afterType);
        }
        if (PRIVILEGE_OBJECTS.contains(objectType)) {
            return ClassFinding.of(StatementClass.PRIVILEGE, command, "changes roles, privileges or access rules");
        }
        if (DANGEROUS_OBJECTS.contains(objectType)) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    objectType + " runs code in the server or connects it to other servers");
        }
        if (objectType.equals("server") && !verb.equals("DROP")) {
            // Like dblink or a subscription: the database reaches another server (postgres_fdw's
            // host, mysql_fdw's address) or a source outside it, through any table over the server.
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "a foreign server connects the database to another server or a data source outside it");
        }
        if (objectType.equals("tablespace") && verb.equals("CREATE")) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command, "a tablespace is a directory on the server");
        }
        if (objectType.equals("extension") && verb.equals("CREATE")) {
            int name = t.skipIfExists(afterType);
            String extension = t.isIdentifier(name) ? t.get(name).text().toLowerCase(Locale.ROOT) : "";
            // Foreign-data wrappers reach other servers or files, pl*u languages run untrusted code.
            return DANGEROUS_EXTENSIONS.contains(extension) || extension.endsWith("_fdw")
                    || isUntrustedLanguage(extension)
                    ? ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "extension " + extension + " reaches files, other servers or untrusted code")
                    : ClassFinding.of(StatementClass.DDL, command);
        }
        if ((objectType.equals("foreign table") || objectType.equals("server"))
                && (t.containsName("filename") || t.containsName("program"))) {
            return ClassFinding.of(StatementClass.DANGEROUS_ADMIN, command,
                    "file_fdw options read server files or run programs");
        }
        if ((objectType.equals("function") || objectType.equals("procedure")) && verb.equals("CREATE")) {
            return routine(t, command, depth);
        }
        if (objectType.equals("rule") && verb.equals("CREATE")) {
            return rule(t, command, depth);
        }
        if (objectType.equals("table") && verb.equals("CREATE")) {
            return createTable(t, command);
        }
        return ClassFinding.of(StatementClass.DDL, command);
    }

    /**
     * {@code CREATE TABLE ... AS EXECUTE name} runs a prepared statement (which may modify data in
     * its CTEs) besides creating a table: like EXECUTE, it is UNKNOWN until the classifier knows the
     * prepared statement's class, and then at least DDL (see {@link CommandRules#classOfEmbeddedParts}).
     */
    private static ClassFinding createTable(TokenSpan t, String command) {
        int as = t.findAtTopLevel(1, "as");
        if (as < 0 || !t.isWord(as + 1, "execute")) {
            return ClassFinding.of(StatementClass.DDL, command);
        }
        if (!t.isIdentifier(as + 2)) {
            return ClassFinding.unknown(command + " AS EXECUTE", "unrecognised EXECUTE");
        }
        String name = t.get(as + 2).text();
        return ClassFinding.unknown(command + " AS EXECUTE", "executes prepared statement " + name + " whose text is not known")
                .withExecutes(Optional.of(name));
    }

    /** ALTER SYSTEM changes server configuration for everyone; some settings run programs. */
    private static ClassFinding alterSystem(TokenSpan t, String command, int afterType) {
        ClassFinding verdict = ClassFinding.of(StatementClass.PRIVILEGE, command, "changes the server configuration");
        String setting = t.isIdentifier(afterType + 1) ? t.get(afterType + 1).text().toLowerCase(Locale.ROOT) : "";
        if (t.isWord(afterType, "reset") && t.isWord(afterType + 1, "all")) {
            return verdict;
        }
        if (CODE_RUNNING_SETTINGS.contains(setting)) {
            return verdict.escalate(StatementClass.DANGEROUS_ADMIN, setting + " makes the server run programs or load code");
        }
        ClassFinding asSessionSetting = SettingRules.change(command, setting, null);
        if (asSessionSetting.statementClass() == StatementClass.DANGEROUS_ADMIN) {
            return verdict.escalate(StatementClass.DANGEROUS_ADMIN, String.join("; ", asSessionSetting.reasons()));
        }
        return verdict;
    }

    /**
     * CREATE FUNCTION/PROCEDURE is DDL. Code in C or an untrusted language is DANGEROUS_ADMIN,
     * SECURITY DEFINER is PRIVILEGE, and the body is inspected: what it would do raises the class
     * (creating a function that drops tables is as risky as dropping them).
     */
    private static ClassFinding routine(TokenSpan t, String command, int depth) {
        ClassFinding verdict = ClassFinding.of(StatementClass.DDL, command);
        int languageAt = t.findAtTopLevel(1, "language");
        String language = languageAt >= 0 && languageAt + 1 < t.size()
                ? t.get(languageAt + 1).text().toLowerCase(Locale.ROOT) : "sql";
        if (isUntrustedLanguage(language)) {
            verdict = verdict.escalate(StatementClass.DANGEROUS_ADMIN,
                    "language " + language + " runs code with the server's operating-system access");
        }
        if (t.containsSequence("security", "definer")) {
            verdict = verdict.escalate(StatementClass.PRIVILEGE, "SECURITY DEFINER runs with the owner's privileges");
        }
        int atomic = t.findAtTopLevel(1, "atomic");
        verdict = routineSettings(verdict, t, atomic > 0 ? atomic : t.size(), "the routine runs with SET: ");
        if (!language.equals("sql") && !language.equals("plpgsql")) {
            return verdict;
        }
        for (SqlToken token : t.tokens()) {
            if (token.isStringLiteral()) {
                verdict = EmbeddedSqlInspector.escalateByBody(verdict, token.text(), depth + 1);
                if (language.equals("plpgsql")) {
                    verdict = dynamicExecute(verdict, token.text());
                }
            }
        }
        if (atomic > 0 && t.isWord(atomic - 1, "begin")) {
            verdict = EmbeddedSqlInspector.escalateByTokens(verdict, t.from(atomic + 1), depth + 1);
        }
        return verdict;
    }

    /**
     * A routine's {@code SET name = value} clauses (before {@code end}) take effect every time it
     * runs, in whoever's session calls it: {@code CREATE FUNCTION f() ... SET role = postgres} or
     * {@code ALTER FUNCTION f() SET session_replication_role = replica} is as risky as that SET. So is
     * a database's or role's ({@code ALTER ROLE me SET session_preload_libraries = '...'}, {@code ALTER
     * DATABASE d SET role = postgres}), which every later session of it starts with.
     */
    private static ClassFinding routineSettings(ClassFinding verdict, TokenSpan t, int end, String because) {
        ClassFinding result = verdict;
        for (int set = t.findAtTopLevel(1, "set"); set >= 0 && set < end; set = t.findAtTopLevel(set + 1, "set")) {
            if (t.isWord(set + 1, "tablespace")) {
                continue; // ALTER DATABASE d SET TABLESPACE moves it: no setting
            }
            ClassFinding setting = SettingRules.set(t.sub(set, end));
            if (setting.statementClass().isAtLeast(StatementClass.READ)) {
                result = result.escalate(setting.statementClass(),
                        because + String.join("; ", setting.reasons()));
            }
        }
        return result;
    }

    /**
     * A rule's actions run later, whenever anyone runs the statement it rewrites, with the
     * privileges of the table's owner: {@code CREATE RULE r AS ON INSERT TO t DO ALSO UPDATE
     * pg_authid SET rolsuper = true ...} is as risky as that UPDATE.
     */
    private static ClassFinding rule(TokenSpan t, String command, int depth) {
        ClassFinding verdict = ClassFinding.of(StatementClass.DDL, command);
        int action = t.findAtTopLevel(1, "do") + 1;
        if (action <= 0) {
            return verdict;
        }
        if (t.isWord(action, "also") || t.isWord(action, "instead")) {
            action++;
        }
        TokenSpan actions = t.isSymbol(action, "(") ? t.sub(action + 1, t.closing(action)) : t.from(action);
        return EmbeddedSqlInspector.escalateByTokens(verdict, actions, depth + 1);
    }

    /**
     * PL/pgSQL {@code EXECUTE q} or {@code EXECUTE $1}: the routine runs whatever text it is given
     * at run time, so nothing about it can be known when it is created.
     */
    private static ClassFinding dynamicExecute(ClassFinding verdict, String body) {
        for (SqlStatement statement : SqlScriptSplitter.split(body)) {
            TokenSpan chunk = new TokenSpan(statement.tokens());
            for (int i = 0; i + 1 < chunk.size(); i++) {
                if (chunk.isWord(i, "execute") && (chunk.get(i + 1).kind() == SqlToken.Kind.PARAMETER
                        || (chunk.isIdentifier(i + 1) && !chunk.isSymbol(i + 2, "(") && !chunk.isSymbol(i + 2, ".")))) {
                    return verdict.escalate(StatementClass.UNKNOWN,
                            "the body EXECUTEs SQL text given at run time (" + chunk.get(i + 1).text() + ")");
                }
            }
        }
        return verdict;
    }

    static boolean isUntrustedLanguage(String language) {
        return language.equals("c") || language.equals("internal")
                || (language.startsWith("pl") && language.endsWith("u") && !language.equals("plpgsql"));
    }

    /**
     * CREATE forms that hand out ownership or privileges: {@code CREATE SCHEMA ... AUTHORIZATION role}
     * and its GRANT elements, {@code CREATE DATABASE ... OWNER role}.
     */
    private static ClassFinding createEscalations(ClassFinding verdict, TokenSpan t, String objectType) {
        ClassFinding result = verdict;
        if (objectType.equals("schema") && t.findAtTopLevel(1, "authorization") >= 0) {
            result = result.escalate(StatementClass.PRIVILEGE, "gives the schema to a role (AUTHORIZATION)");
        }
        if (objectType.equals("schema") && t.findAtTopLevel(1, "grant") >= 0) {
            result = result.escalate(StatementClass.PRIVILEGE, "grants privileges (GRANT in CREATE SCHEMA)");
        }
        if (objectType.equals("database") && t.containsName("owner")) {
            result = result.escalate(StatementClass.PRIVILEGE, "gives the database to a role (OWNER)");
        }
        return result;
    }

    /**
     * ALTER forms that change ownership, row-level security, whose privileges a view or function
     * runs with, or database-wide settings. Every action of a multi-action ALTER counts
     * ({@code ALTER TABLE t ADD COLUMN x text, OWNER TO someone} is PRIVILEGE).
     */
    private static ClassFinding alterEscalations(ClassFinding verdict, TokenSpan t, String verb) {
        if (!verb.equals("ALTER")) {
            return verdict;
        }
        ClassFinding result = verdict;
        if (t.containsSequence("owner", "to")) {
            result = result.escalate(StatementClass.PRIVILEGE, "changes ownership");
        }
        if (t.containsSequence("row", "level", "security")) {
            result = result.escalate(StatementClass.PRIVILEGE, "changes row-level security");
        }
        if (t.containsSequence("security", "definer")) {
            result = result.escalate(StatementClass.PRIVILEGE, "SECURITY DEFINER runs with the owner's privileges");
        }
        if (t.containsName("security_invoker") || t.containsName("security_barrier")) {
            result = result.escalate(StatementClass.PRIVILEGE, "changes whose privileges a view runs with");
        }
        if ((t.isWord(1, "database") || t.isWord(1, "role") || t.isWord(1, "user"))
                && (t.containsWord("set") || t.containsWord("reset"))) {
            result = result.escalate(StatementClass.PRIVILEGE, "changes settings of other sessions");
        }
        return result;
    }

    private static Optional<String> objectTypeAt(TokenSpan t, int i) {
        for (String type : OBJECT_TYPES) {
            String[] words = type.split(" ");
            int k = 0;
            while (k < words.length && t.isWord(i + k, words[k])) {
                k++;
            }
            if (k == words.length) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
