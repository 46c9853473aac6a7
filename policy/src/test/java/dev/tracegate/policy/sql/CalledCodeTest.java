package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A statement judged by the database's own code it runs: routines, operators, casts, triggers, rules. */
class CalledCodeTest {

    private final SqlClassifier classifier = new SqlClassifier();
    private final DatabaseRoutines answer = new DatabaseRoutines.Builder(Set.of("count", "lower", "now", "query_to_xml"))
            .routine(new DatabaseRoutines.Routine("purge", "sql", false, "DELETE FROM orders; SELECT 1"))
            .routine(new DatabaseRoutines.Routine("outer_call", "plpgsql", false, "BEGIN PERFORM purge(); RETURN 1; END"))
            .routine(new DatabaseRoutines.Routine("total", "sql", false, "SELECT count(*) FROM orders"))
            .routine(new DatabaseRoutines.Routine("ping", "sql", false, "SELECT pong()"))
            .routine(new DatabaseRoutines.Routine("pong", "sql", false, "SELECT ping()"))
            .routine(new DatabaseRoutines.Routine("granting", "plpgsql", false, "BEGIN GRANT ALL ON orders TO PUBLIC; END"))
            .routine(new DatabaseRoutines.Routine("dynamic", "plpgsql", false, "BEGIN EXECUTE q; END"))
            .routine(new DatabaseRoutines.Routine("native", "c", false, "native_fn"))
            .routine(new DatabaseRoutines.Routine("templated", "plpgsql", false,
                    "BEGIN RETURN QUERY EXECUTE format('SELECT id FROM %I WHERE n = %L', t, v); END"))
            .routine(new DatabaseRoutines.Routine("pasted", "plpgsql", false,
                    "BEGIN EXECUTE format('%1$s', q); END"))
            .routine(new DatabaseRoutines.Routine("digest", "c", true, "pg_digest"))
            .routine(new DatabaseRoutines.Routine("python", "plpython3u", false, "plpy.execute('DELETE FROM orders')"))
            .implicit("===", "purge")
            .onWrite("audit", "purge()")
            .onUse("purging", "SELECT purge() AS n")
            .onUse("guarded", "SELECT purge() = 1")
            .onWrite("inbox", "CREATE RULE r AS ON INSERT TO public.inbox DO INSTEAD DELETE FROM orders;")
            .routine(new DatabaseRoutines.Routine("logs", "sql", false, "INSERT INTO audit VALUES (1); SELECT 1"))
            .routine(new DatabaseRoutines.Routine("reads_view", "sql", false, "SELECT n FROM purging"))
            .onWrite("parent", "DELETE FROM audit WHERE tableoid = 0")
            .onUse("wrapping", "SELECT n FROM purging")
            .onUse("audit_view", "SELECT id FROM audit")
            .onUse("self_guarded", "SELECT id IN (SELECT id FROM self_guarded)")
            .onUse("granted_view", "SELECT granting() AS g")
            .build();

    @Test
    void aRoutineIsJudgedByItsBodyFollowedThroughWhatItCalls() {
        assertThat(judged("SELECT purge()").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT purge()").reasons().getFirst()).contains("calls purge()").contains("DELETE");
        assertThat(judged("SELECT outer_call()").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT 1 === 2").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT query_to_xml('SELECT purge()', true, true, '')").statementClass())
                .isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT granting()").statementClass()).isEqualTo(StatementClass.PRIVILEGE);
        assertThat(judged("INSERT INTO audit VALUES (1)").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("INSERT INTO public.inbox VALUES (1)").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT o.purge FROM orders o").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT o.total, o.id FROM orders o").statementClass()).isEqualTo(StatementClass.READ);
        assertThat(judged("SELECT * FROM purging").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT count(*) FROM public.guarded").statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        assertThat(judged("SELECT ping()").statementClass()).as("a cycle ends").isEqualTo(StatementClass.READ);
    }

    @Test
    void codeIsFollowedThroughTheRelationsItWritesAndReads() {
        for (String sql : List.of("SELECT logs()", "SELECT reads_view()", "SELECT * FROM wrapping",
                "DELETE FROM parent WHERE id = 1", "INSERT INTO audit_view VALUES (1)")) {
            assertThat(judged(sql).statementClass()).as(sql).isEqualTo(StatementClass.BULK_WRITE);
        }
        assertThat(judged("SELECT * FROM audit_view").statementClass()).as("a read fires no trigger")
                .isEqualTo(StatementClass.READ);
        assertThat(judged("UPDATE self_guarded SET id = 2 WHERE id = 1").statementClass())
                .as("a policy naming its own table ends").isEqualTo(StatementClass.WRITE);
        for (String refresh : List.of("REFRESH MATERIALIZED VIEW granted_view",
                "REFRESH MATERIALIZED VIEW CONCURRENTLY public.granted_view")) {
            assertThat(judged(refresh).statementClass()).as(refresh).isEqualTo(StatementClass.PRIVILEGE);
        }
        DatabaseRoutines eventTrigger = new DatabaseRoutines.Builder(Set.of())
                .routine(new DatabaseRoutines.Routine("on_ddl", "plpgsql", false, "BEGIN GRANT ALL ON orders TO PUBLIC; END"))
                .onSchemaChange("on_ddl()").build();
        assertThat(CalledCode.judged(classified("CREATE TABLE t (id int)"), CalledCode.of(eventTrigger),
                SqlDialect.POSTGRESQL).statementClass()).as("an event trigger grants").isEqualTo(StatementClass.PRIVILEGE);
    }

    @Test
    void aRoutineIsConfirmedAgainstTheCatalogBeforeItsAnswerIsTrusted() {
        DatabaseRoutines stale = new DatabaseRoutines.Builder(Set.of())
                .routine(new DatabaseRoutines.Routine("flip", "sql", false, "SELECT 1")).version("1").build();
        DatabaseRoutines now = new DatabaseRoutines.Builder(Set.of())
                .routine(new DatabaseRoutines.Routine("flip", "sql", false, "DELETE FROM orders; SELECT 1")).version("2")
                .build();
        assertThat(CalledCode.judged(classified("SELECT flip()"), new Replaced(stale, now), SqlDialect.POSTGRESQL)
                .statementClass()).isEqualTo(StatementClass.BULK_WRITE);
    }

    @Test
    void aWriteOrARelationWithCodeIsConfirmedToo() {
        // A trigger added on the server to a table that had none, a view replaced: what runs now is judged.
        DatabaseRoutines stale = new DatabaseRoutines.Builder(Set.of())
                .routine(new DatabaseRoutines.Routine("purge", "sql", false, "DELETE FROM orders; SELECT 1"))
                .onUse("v", "SELECT 1 AS n").version("1").build();
        DatabaseRoutines now = new DatabaseRoutines.Builder(Set.of())
                .routine(new DatabaseRoutines.Routine("purge", "sql", false, "DELETE FROM orders; SELECT 1"))
                .onWrite("inbox", "purge()").onUse("v", "SELECT purge() AS n").version("2").build();
        for (String sql : List.of("INSERT INTO inbox VALUES (1)", "UPDATE inbox SET x = 1 WHERE id = 5", "SELECT * FROM v")) {
            assertThat(CalledCode.judged(classified(sql), new Replaced(stale, now), SqlDialect.POSTGRESQL)
                    .statementClass()).as(sql).isEqualTo(StatementClass.BULK_WRITE);
        }
    }

    /**
     * {@code EXECUTE p} runs the text {@code p} was prepared with: the code it calls is judged as it is
     * when it runs, not by the class its PREPARE was given while the function only read.
     */
    @Test
    void anExecuteIsJudgedByTheCodeItsPreparedTextCallsNow() {
        DatabaseRoutines stale = new DatabaseRoutines.Builder(Set.of())
                .routine(new DatabaseRoutines.Routine("flip", "sql", false, "SELECT 1")).version("1").build();
        DatabaseRoutines now = new DatabaseRoutines.Builder(Set.of())
                .routine(new DatabaseRoutines.Routine("flip", "sql", false, "DELETE FROM orders; SELECT 1")).version("2")
                .build();
        ClassifiedStatement prepare = classified("PREPARE p AS SELECT flip()");
        ClassifiedStatement execute = classifier.classifyInSession("EXECUTE p", SqlDialect.POSTGRESQL,
                name -> Optional.of(PreparedText.of(prepare))).statements().getFirst();
        assertThat(execute.statementClass()).as("as its PREPARE was judged").isEqualTo(StatementClass.READ);
        assertThat(CalledCode.judged(execute, new Replaced(stale, now), SqlDialect.POSTGRESQL).statementClass())
                .isEqualTo(StatementClass.BULK_WRITE);

        ClassifiedStatement mysqlPrepare = classifier.classify("PREPARE s FROM 'SELECT flip()'", SqlDialect.MYSQL,
                name -> Optional.empty()).statements().getFirst();
        ClassifiedStatement mysqlExecute = classifier.classifyInSession("EXECUTE s", SqlDialect.MYSQL,
                name -> Optional.of(PreparedText.of(mysqlPrepare))).statements().getFirst();
        assertThat(CalledCode.judged(mysqlExecute, new Replaced(stale, now), SqlDialect.MYSQL).statementClass())
                .isEqualTo(StatementClass.BULK_WRITE);
    }

    @Test
    void aWritesConditionReadsTheDatabasesOwnCodeAsUntrusted() {
        DatabaseRoutines own = new DatabaseRoutines.Builder(Set.of("lower", "citext_eq"))
                // A lower() of the database's own that returns one value, shadowing the server's.
                .routine(new DatabaseRoutines.Routine("lower", "sql", false, "SELECT 'a'::text", true))
                .routine(new DatabaseRoutines.Routine("next_id", "plpgsql", false, "BEGIN RETURN 1; END", false))
                .routine(new DatabaseRoutines.Routine("tenant", "sql", false, "SELECT 7", true))
                .routine(new DatabaseRoutines.Routine("always", "sql", false, "SELECT true", true))
                .routine(new DatabaseRoutines.Routine("label", "sql", false, "SELECT 'a'::text", true))
                .routine(new DatabaseRoutines.Routine("citext_eq", "c", true, "citext_eq", true))
                .implicit("===", "always").implicit("=", "citext_eq")
                // grades.g is of a type an implicit cast of the database's own converts to int.
                .castColumn("grades", "g").build();
        for (String sql : List.of("DELETE FROM t WHERE lower(name) = 'a'", "DELETE FROM t WHERE public.\"lower\"(name) = 'a'",
                "UPDATE t SET x = 1 WHERE id = next_id()", "DELETE FROM t WHERE id === 5",
                "DELETE FROM t WHERE id OPERATOR(public.===) 5", "MERGE INTO t USING s ON t.id = next_id() WHEN MATCHED THEN DELETE",
                "DELETE FROM t o WHERE o.label = 'a'", "DELETE FROM grades WHERE g = 5", "DELETE FROM public.grades x WHERE x.g = 5")) {
            ClassifiedStatement judged = CalledCode.judged(classified(sql), CalledCode.of(own), SqlDialect.POSTGRESQL);
            assertThat(judged.statementClass()).as(sql).isEqualTo(StatementClass.BULK_WRITE);
            assertThat(judged.reasons()).as(sql).anyMatch(reason -> reason.contains("the database's own")
                    || reason.contains("does not depend on the row")); // public.lower(x) is no call the classifier trusts
        }
        for (String sql : List.of("DELETE FROM t WHERE tenant_id = tenant()", "DELETE FROM t WHERE id = next_id() AND id = 5",
                "DELETE FROM t WHERE name = 'a'", "UPDATE t SET x = lower(y) WHERE id = 5",
                "UPDATE grades SET g = 5 WHERE id = 5", "DELETE FROM grades WHERE g = 5 AND id = 5")) {
            assertThat(CalledCode.judged(classified(sql), CalledCode.of(own), SqlDialect.POSTGRESQL).statementClass())
                    .as(sql).isEqualTo(StatementClass.WRITE);
        }
    }

    /**
     * A write whose condition names none of the database's code is left as it was without its text rebuilt;
     * the look that decides so still finds a column an implicit cast converts where the database has no
     * routine of its own by name, and a routine the condition calls among many it does not.
     */
    @Test
    void theConditionsLookForTheDatabasesOwnCodeMissesNone() {
        DatabaseRoutines castsOnly = new DatabaseRoutines.Builder(Set.of()).castColumn("grades", "g").build();
        assertThat(CalledCode.judged(classified("DELETE FROM grades WHERE g = 5"), CalledCode.of(castsOnly),
                SqlDialect.POSTGRESQL).statementClass()).isEqualTo(StatementClass.BULK_WRITE);
        DatabaseRoutines none = new DatabaseRoutines.Builder(Set.of()).build();
        ClassifiedStatement plain = classified("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = 7");
        assertThat(CalledCode.judged(plain, CalledCode.of(none), SqlDialect.POSTGRESQL)).isSameAs(plain);
        DatabaseRoutines one = new DatabaseRoutines.Builder(Set.of("abs"))
                .routine(new DatabaseRoutines.Routine("next_id", "plpgsql", false, "BEGIN RETURN 1; END", false)).build();
        assertThat(CalledCode.judged(classified("UPDATE t SET x = abs(y) WHERE id = next_id() OR y < 0"),
                CalledCode.of(one), SqlDialect.POSTGRESQL).statementClass()).isEqualTo(StatementClass.BULK_WRITE);
    }

    /** A catalog whose code was replaced on the server after {@code current} was read: {@code now} is what runs. */
    private record Replaced(DatabaseRoutines current, DatabaseRoutines now) implements CalledCode.Catalog {
        @Override
        public DatabaseRoutines knowing(Set<String> names) {
            return current;
        }

        @Override
        public DatabaseRoutines confirmed(DatabaseRoutines answer) {
            return now;
        }
    }

    @Test
    void codeTheGatewayCannotReadIsUnknown() {
        for (String sql : List.of("SELECT dynamic('DELETE FROM orders')", "SELECT native()", "SELECT python()",
                "SELECT pasted('DELETE FROM orders')")) {
            assertThat(judged(sql).statementClass()).as(sql).isEqualTo(StatementClass.UNKNOWN);
        }
        ClassifiedStatement unread = CalledCode.judged(classified("SELECT total()"), CalledCode.UNREADABLE,
                SqlDialect.POSTGRESQL);
        assertThat(unread.statementClass()).isEqualTo(StatementClass.UNKNOWN);
        assertThat(unread.reasons().getFirst()).contains("catalog could not be read");
    }

    @Test
    void readingCodeAndTheServersOwnLeaveTheClassAndAStatementWithoutCallsAsksNothing() {
        for (String sql : List.of("SELECT total()", "SELECT * FROM templated('orders', 'x')", "SELECT digest('x', 'sha256')", "SELECT count(*), lower('A') FROM t",
                "INSERT INTO orders VALUES (1, now())", "DROP FUNCTION dynamic()", "ALTER FUNCTION public.native() OWNER TO x",
                "GRANT EXECUTE ON FUNCTION python() TO x", "COMMENT ON FUNCTION native() IS 'x'")) {
            assertThat(judged(sql).statementClass()).as(sql).isEqualTo(classified(sql).statementClass());
        }
        AtomicInteger asked = new AtomicInteger();
        CalledCode.Catalog counting = new CalledCode.Catalog() {
            @Override
            public DatabaseRoutines current() {
                asked.incrementAndGet();
                return answer;
            }

            @Override
            public DatabaseRoutines knowing(Set<String> names) {
                asked.incrementAndGet();
                return answer;
            }
        };
        for (String sql : List.of("SELECT 1", "VALUES (1, 'a')", "BEGIN", "SHOW x", "SET search_path = public",
                "SET application_name = 'x'", "COMMIT")) {
            CalledCode.judged(classified(sql), counting, SqlDialect.POSTGRESQL);
        }
        assertThat(asked).hasValue(0);
    }

    private ClassifiedStatement judged(String sql) {
        return CalledCode.judged(classified(sql), CalledCode.of(answer), SqlDialect.POSTGRESQL);
    }

    private ClassifiedStatement classified(String sql) {
        return classifier.classify(sql, SqlDialect.POSTGRESQL, name -> Optional.empty()).statements().getFirst();
    }
}
