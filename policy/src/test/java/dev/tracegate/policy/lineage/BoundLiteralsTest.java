package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BoundLiteralsTest {

    private static final Set<String> NAME = Set.of("name");
    private static final Set<String> OTHERS = Set.of("id", "status", "tier");

    @Test
    void aLiteralComparedWithOrDefaultingTheProtectedColumnMayQuoteIt() {
        assertThat(BoundLiterals.mayQuote(" SELECT id FROM customers WHERE (customers.name = 'Ada Lovelace'::text);",
                NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("name DEFAULT 'Alan Turing'::text", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("CHECK ((name <> 'Grace Hopper'::text)) NOT VALID", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("((name = ANY (ARRAY['Ada'::text, 'Grace'::text])))", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("CREATE OR REPLACE FUNCTION public.f() RETURNS SETOF integer LANGUAGE sql"
                + " AS $function$SELECT id FROM customers WHERE name = 'Grace Hopper'$function$", NAME, OTHERS)).isTrue();
    }

    @Test
    void aLiteralBoundToNoColumnMayQuoteOneThroughAnIndirection() {
        assertThat(BoundLiterals.mayQuote(" SELECT c.id FROM (customers c JOIN ( VALUES ('Ada Lovelace'::text)) v(n)"
                + " ON ((c.name = v.n)));", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("CREATE OR REPLACE FUNCTION public.g() RETURNS SETOF integer LANGUAGE plpgsql"
                + " AS $function$DECLARE who text := 'Grace Hopper'; BEGIN RETURN QUERY SELECT id FROM customers"
                + " WHERE name = who; END$function$", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("CREATE TRIGGER t BEFORE INSERT ON public.customers FOR EACH ROW EXECUTE"
                + " FUNCTION refuse('Ada Lovelace')", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("f(who text DEFAULT 'Alan Turing'::text)", NAME, OTHERS)).isTrue();
    }

    @Test
    void literalsInDollarQuotesAndCommentsOfABodyMayQuote() {
        assertThat(BoundLiterals.mayQuote("CREATE FUNCTION f() LANGUAGE sql AS $function$SELECT id FROM customers"
                + " WHERE name = $q$Ada Lovelace$q$$function$", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("CREATE FUNCTION f() LANGUAGE sql AS $function$SELECT id FROM customers"
                + " -- skips Ada Lovelace\n WHERE tier > 0$function$", NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("CREATE FUNCTION f() LANGUAGE plpgsql AS $function$BEGIN EXECUTE"
                + " $q$SELECT id FROM customers WHERE status = 'new'$q$; END$function$", NAME, OTHERS)).isTrue();
    }

    @Test
    void aNumberLongEnoughToBeAValueMayQuoteTheProtectedColumnItIsBoundTo() {
        Set<String> card = Set.of("card_number");
        assertThat(BoundLiterals.mayQuote("SELECT id FROM customers WHERE card_number = 4111111111111111", card, OTHERS))
                .isTrue();
        assertThat(BoundLiterals.mayQuote("SELECT right(card_number, 4) FROM customers", card, OTHERS)).isFalse();
        assertThat(BoundLiterals.mayQuote("SELECT id FROM customers WHERE tier > 1000", card, OTHERS)).isFalse();
    }

    @Test
    void aValueSpelledInCharacterCodesIsALiteral() {
        assertThat(BoundLiterals.mayQuote("SELECT id FROM customers WHERE (name = ((chr(65) || chr(100)) || chr(97)))",
                NAME, OTHERS)).isTrue();
        assertThat(BoundLiterals.mayQuote("SELECT id FROM customers WHERE name = char(65, 100, 97)", NAME, OTHERS))
                .isTrue();
        assertThat(BoundLiterals.mayQuote("SELECT id FROM customers WHERE status = chr(65)", NAME, OTHERS)).isFalse();
        assertThat(BoundLiterals.mayQuote("SELECT CAST(name AS CHAR(100)), name::char(20) FROM customers", NAME, OTHERS))
                .isFalse();
    }

    @Test
    void theRelationsACodeNamesIncludeThoseItNamesInStrings() {
        assertThat(BoundLiterals.identifiers("CREATE FUNCTION f() LANGUAGE plpgsql AS $function$BEGIN EXECUTE"
                + " format('SELECT id FROM %I WHERE name = %L', 'customers', 'Ada Lovelace'); END$function$"))
                .contains("customers", "format", "name");
    }

    @Test
    void aLiteralBoundOnlyToAnUnprotectedColumnDoesNot() {
        assertThat(BoundLiterals.mayQuote(" SELECT name FROM customers WHERE (status = 'active'::text)"
                + " AND (name IS NOT NULL);", NAME, OTHERS)).isFalse();
        assertThat(BoundLiterals.mayQuote("status DEFAULT 'new'::text", NAME, OTHERS)).isFalse();
        assertThat(BoundLiterals.mayQuote("id DEFAULT nextval('customers_id_seq'::regclass)", NAME, OTHERS)).isFalse();
        assertThat(BoundLiterals.mayQuote("CHECK ((tier > 0)) ", NAME, OTHERS)).isFalse();
        assertThat(BoundLiterals.mayQuote("CREATE OR REPLACE FUNCTION public.f() RETURNS SETOF integer LANGUAGE sql"
                + " AS $function$SELECT id FROM customers WHERE status = 'new'$function$", NAME, OTHERS)).isFalse();
    }
}
