package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.policy.lineage.DatabaseCode.Attached;
import dev.tracegate.policy.lineage.DatabaseCode.Reach;
import dev.tracegate.policy.lineage.DatabaseCode.Routine;
import dev.tracegate.policy.lineage.DatabaseCode.WritesThrough;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseCodeReachTest {

    /** Functions of the database: one reads the protected customers, one calls it, one reads only orders. */
    private static final List<Routine> ROUTINES = List.of(
            new Routine("names", "sql", "SELECT string_agg(name, ',') FROM customers"),
            new Routine("badge_of", "sql", "SELECT ROW(names())::badge"),
            new Routine("copy_names", "plpgsql", "BEGIN INSERT INTO audit SELECT name FROM public.customers; RETURN NULL; END"),
            new Routine("dynamic", "plpgsql", "BEGIN EXECUTE 'INSERT INTO audit SELECT na' || 'me FROM cust' || 'omers'; END"),
            new Routine("touch", "plpgsql", "BEGIN NEW.touched := now(); RETURN NEW; END"),
            new Routine("totals", "sql", "SELECT sum(amount) FROM orders"),
            new Routine("said", "plpgsql", "BEGIN RAISE NOTICE 'status of % changed', NEW.name; RETURN NEW; END"),
            new Routine("keep_old", "plpgsql", "BEGIN NEW.status = OLD.name; RETURN NEW; END"),
            new Routine("in_c", "c", "customers_reader"),
            new Routine("in_perl", "plperl", "return 1;"));

    private static ProtectedSchema shop(List<Attached> code, List<WritesThrough> writes) {
        return ShopCatalog.schema(new DatabaseCode(code, ROUTINES, writes));
    }

    private static String refusal(ProtectedSchema schema, String sql) {
        return LineageCheck.check(sql, schema).reason();
    }

    @Test
    void aCastsFunctionThatReadsProtectedDataRefusesEveryStatementNamingItsType() {
        ProtectedSchema schema = shop(List.of(new Attached(Reach.TYPE, "badge", "badge_of")), List.of());
        assertThat(refusal(schema, "SELECT ('x'::badge).v")).contains("type badge");
        assertThat(refusal(schema, "SELECT (CAST('x' AS \"badge\")).v")).contains("type badge");
        assertThat(refusal(schema, "SELECT 1")).isNull();
        assertThat(refusal(shop(List.of(new Attached(Reach.TYPE, "int4", "badge_of")), List.of()), "SELECT 1::int4"))
                .contains("type int4");
        ProtectedSchema harmless = shop(List.of(new Attached(Reach.TYPE, "int4", "totals in_c")), List.of());
        assertThat(refusal(harmless, "SELECT 1::int4")).isNull();
    }

    @Test
    void aTriggerThatCopiesProtectedDataRefusesWritesNotReads() {
        ProtectedSchema schema = shop(List.of(new Attached(Reach.WRITE, "orders", "copy_names")), List.of());
        assertThat(refusal(schema, "INSERT INTO orders (id) VALUES (1)")).contains("writing orders");
        assertThat(refusal(schema, "WITH w AS (UPDATE orders SET status = 'x' RETURNING id) SELECT * FROM w"))
                .contains("writing orders");
        assertThat(refusal(schema, "SELECT status FROM orders")).isNull();
        assertThat(refusal(schema, "ANALYZE")).contains("ANALYZE");
    }

    @Test
    void codeIsFollowedThroughTheRelationsAWriteReaches() {
        // A write to customers' parent row deletes orders by a foreign key; a write to a view writes its table.
        ProtectedSchema schema = shop(List.of(new Attached(Reach.WRITE, "orders", "copy_names")),
                List.of(new WritesThrough("parents", "orders"), new WritesThrough("order_totals", "orders")));
        assertThat(refusal(schema, "DELETE FROM parents WHERE id = 1")).contains("writing parents");
        assertThat(refusal(schema, "DELETE FROM order_totals")).contains("writing order_totals");
    }

    @Test
    void unreadableBodiesCountAsReadingAnythingCAndInternalOnesAsNothing() {
        assertThat(refusal(shop(List.of(new Attached(Reach.WRITE, "orders", "dynamic")), List.of()),
                "INSERT INTO orders (id) VALUES (1)")).contains("writing orders");
        assertThat(refusal(shop(List.of(new Attached(Reach.WRITE, "orders", "in_perl")), List.of()),
                "INSERT INTO orders (id) VALUES (1)")).contains("writing orders");
        assertThat(refusal(shop(List.of(new Attached(Reach.WRITE, "orders", "in_c touch totals")), List.of()),
                "INSERT INTO orders (id) VALUES (1)")).isNull();
    }

    @Test
    void aRowTriggerOnAProtectedTableReadsItsRows() {
        ProtectedSchema schema = shop(List.of(new Attached(Reach.WRITE, "customers", "touch customers")), List.of());
        assertThat(refusal(schema, "UPDATE customers SET notes = NULL WHERE id = 1")).contains("writing customers");
        assertThat(refusal(shop(List.of(new Attached(Reach.WRITE, "orders", "touch orders")), List.of()),
                "UPDATE orders SET status = 'paid'")).isNull();
    }

    @Test
    void aTriggerCountsOnlyWhenItMayStoreWhatItReadsItsMessagesBeingWithheld() {
        assertThat(refusal(shop(List.of(new Attached(Reach.TRIGGER, "customers", "said customers")), List.of()),
                "UPDATE customers SET notes = NULL WHERE id = 1")).isNull();
        assertThat(refusal(shop(List.of(new Attached(Reach.TRIGGER, "customers", "keep_old customers")), List.of()),
                "UPDATE customers SET notes = NULL WHERE id = 1")).contains("writing customers");
        assertThat(refusal(shop(List.of(new Attached(Reach.TRIGGER, "orders", "copy_names")), List.of()),
                "INSERT INTO orders (id) VALUES (1)")).contains("writing orders");
        assertThat(refusal(shop(List.of(new Attached(Reach.TRIGGER, "orders", "dynamic")), List.of()),
                "INSERT INTO orders (id) VALUES (1)")).contains("writing orders");
    }

    @Test
    void eventTriggersRefuseSchemaChangesAndCastsBetweenBuiltInsEverything() {
        ProtectedSchema events = shop(List.of(new Attached(Reach.SCHEMA_CHANGE, "", "copy_names")), List.of());
        assertThat(refusal(events, "CREATE TABLE mine (a int)")).contains("event trigger");
        assertThat(refusal(events, "SELECT status INTO mine FROM orders")).contains("event trigger");
        assertThat(refusal(events, "SELECT status FROM orders")).isNull();
        ProtectedSchema everywhere = shop(List.of(new Attached(Reach.EVERYWHERE, "", "names")), List.of());
        assertThat(refusal(everywhere, "SELECT lower(1)")).contains("built-in types");
        assertThat(refusal(everywhere, "BEGIN")).isNull();
    }

    @Test
    void aRowLevelPolicyThatReadsProtectedDataRefusesAnyUse() {
        ProtectedSchema schema = shop(List.of(new Attached(Reach.USE, "orders", "status = names()")), List.of());
        assertThat(refusal(schema, "SELECT count(*) FROM orders")).contains("row-level policy of orders");
    }
}
