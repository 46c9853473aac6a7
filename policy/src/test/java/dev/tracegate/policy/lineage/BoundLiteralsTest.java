package dev.tracegate.policy.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BoundLiteralsTest {

    private static final Set<String> NAME = Set.of("name");

    @Test
    void aLiteralComparedWithOrDefaultingTheColumnIsBound() {
        assertThat(BoundLiterals.bindsTo(" SELECT id FROM customers WHERE (customers.name = 'Ada Lovelace'::text);", NAME))
                .isTrue();
        assertThat(BoundLiterals.bindsTo("name DEFAULT 'Alan Turing'::text", NAME)).isTrue();
        assertThat(BoundLiterals.bindsTo("CHECK ((name <> 'Grace Hopper'::text)) NOT VALID", NAME)).isTrue();
        assertThat(BoundLiterals.bindsTo("((name = ANY (ARRAY['Ada'::text, 'Grace'::text])))", NAME)).isTrue();
        assertThat(BoundLiterals.bindsTo("CREATE OR REPLACE FUNCTION public.f() RETURNS SETOF integer LANGUAGE sql"
                + " AS $function$SELECT id FROM customers WHERE name = 'Grace Hopper'$function$", NAME)).isTrue();
    }

    @Test
    void aLiteralOfAnotherConditionIsNot() {
        assertThat(BoundLiterals.bindsTo(" SELECT name FROM customers WHERE (status = 'active'::text)"
                + " AND (name IS NOT NULL);", NAME)).isFalse();
        assertThat(BoundLiterals.bindsTo("status DEFAULT 'new'::text", NAME)).isFalse();
        assertThat(BoundLiterals.bindsTo("CHECK ((tier > 0)) ", NAME)).isFalse();
    }
}
