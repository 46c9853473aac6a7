package dev.tracegate.policy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArrayLiteralTest {

    @Test
    void readsElementsAsTheServersArrayInputDoes() {
        assertThat(ArrayLiteral.elements("{1,2,3}")).containsExactly("1", "2", "3");
        assertThat(ArrayLiteral.elements(" { 1 , 2 } ")).containsExactly("1", "2");
        assertThat(ArrayLiteral.elements("{\"a b\", c}")).containsExactly("a b", "c");
        assertThat(ArrayLiteral.elements("{\"a\\\"b\",\"\\\\\"}")).containsExactly("a\"b", "\\");
        assertThat(ArrayLiteral.elements("{}")).isEmpty();
        assertThat(ArrayLiteral.elements("{ }")).isEmpty();
    }

    @Test
    void anUnquotedNullInAnyCaseIsANullElementAQuotedOneIsText() {
        assertThat(ArrayLiteral.elements("{1,NULL,null}")).isEqualTo(Arrays.asList("1", null, null));
        assertThat(ArrayLiteral.elements("{\"NULL\"}")).containsExactly("NULL");
    }

    /** Anything not read exactly gives null, so the caller knows nothing of the array rather than a wrong list. */
    @Test
    void whatItDoesNotReadExactlyIsNoArray() {
        assertThat(ArrayLiteral.elements("{{1,2},{3,4}}")).isNull();
        assertThat(ArrayLiteral.elements("[1:2]={1,2}")).isNull();
        assertThat(ArrayLiteral.elements("{1,,2}")).isNull();
        assertThat(ArrayLiteral.elements("{1,2")).isNull();
        assertThat(ArrayLiteral.elements("{\"a}")).isNull();
        assertThat(ArrayLiteral.elements("{a\\ b}")).isNull();
        assertThat(ArrayLiteral.elements("{\"a\"b}")).isNull();
        assertThat(ArrayLiteral.elements("1,2")).isNull();
    }
}
