package dev.tracegate.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loads the sample data into a real PostgreSQL and checks what a demo user would look at. */
class ShopSampleDataTest {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    // The phone shapes a person would recognise: international, US with parentheses, European national.
    private static final Pattern PHONE = Pattern.compile(
            "\\+\\d[\\d ()-]{8,}\\d|\\(\\d{3}\\) \\d{3}-\\d{4}|\\b0\\d{1,2}(?: \\d{2,8}){1,4}\\b");
    private static final List<Pattern> PHONE_FORMATS = List.of(
            Pattern.compile("\\+1 \\d{3}-\\d{3}-\\d{4}"), Pattern.compile("\\(\\d{3}\\) \\d{3}-\\d{4}"),
            Pattern.compile("\\+1\\d{10}"),
            Pattern.compile("\\+44 20 \\d{4} \\d{4}"), Pattern.compile("020 \\d{4} \\d{4}"), Pattern.compile("\\+4420\\d{8}"),
            Pattern.compile("\\+49 30 \\d{4} \\d{4}"), Pattern.compile("030 \\d{8}"), Pattern.compile("\\+4930\\d{8}"),
            Pattern.compile("\\+33 1( \\d{2}){4}"), Pattern.compile("01( \\d{2}){4}"), Pattern.compile("\\+331\\d{8}"));

    private static EmbeddedPostgres postgres;
    private static Connection shop;

    @BeforeAll
    static void loadOnce() throws IOException, SQLException {
        postgres = EmbeddedPostgres.start();
        shop = postgres.getPostgresDatabase().getConnection();
        ShopSampleData.load(shop);
    }

    @AfterAll
    static void stop() throws IOException, SQLException {
        shop.close();
        postgres.close();
    }

    @Test
    void loadsTheAdvertisedNumberOfRows() throws SQLException {
        assertThat(longValue(shop, "SELECT count(*) FROM customers")).isEqualTo(ShopSampleData.CUSTOMERS);
        assertThat(longValue(shop, "SELECT count(*) FROM orders")).isEqualTo(ShopSampleData.ORDERS);
    }

    @Test
    void everyCardNumberPassesLuhnAndBelongsToAKnownIssuer() throws SQLException {
        List<String> cards = strings(shop, "SELECT card_number FROM customers WHERE card_number IS NOT NULL");

        assertThat(cards).hasSizeGreaterThan(ShopSampleData.CUSTOMERS * 3 / 4);
        for (String card : cards) {
            String digits = card.replaceAll("[ -]", "");
            assertThat(digits).as(card).matches("\\d{15,16}");
            assertThat(passesLuhn(digits)).as("Luhn check of %s", card).isTrue();
            assertThat(issuer(digits)).as("issuer of %s", card).isNotEqualTo("unknown");
        }
        assertThat(cards.stream().map(c -> issuer(c.replaceAll("[ -]", ""))).distinct())
                .containsExactlyInAnyOrder("visa", "mastercard", "amex");
        assertThat(cards).anyMatch(c -> c.contains(" ")).anyMatch(c -> c.contains("-")).anyMatch(c -> c.matches("\\d+"));
    }

    @Test
    void nationalIdsAreSsnsInValidRanges() throws SQLException {
        List<String> ssns = strings(shop, "SELECT national_id FROM customers WHERE national_id IS NOT NULL");

        assertThat(ssns).hasSizeGreaterThan(ShopSampleData.CUSTOMERS * 3 / 4);
        for (String ssn : ssns) {
            assertThat(ssn).matches("\\d{3}-\\d{2}-\\d{4}");
            int area = Integer.parseInt(ssn.substring(0, 3));
            assertThat(area).as(ssn).isBetween(1, 899).isNotEqualTo(666);
            assertThat(Integer.parseInt(ssn.substring(4, 6))).as(ssn).isPositive();
            assertThat(Integer.parseInt(ssn.substring(7))).as(ssn).isPositive();
        }
    }

    @Test
    void peopleLookVariedAndPlausible() throws SQLException {
        List<String> names = strings(shop, "SELECT name FROM customers");
        assertThat(new HashSet<>(names)).hasSizeGreaterThan(300);
        assertThat(names.stream().filter(n -> !n.matches("[\\x20-\\x7E]+")).count()).as("names with accents").isGreaterThan(50);

        List<String> emails = strings(shop, "SELECT email FROM customers WHERE email IS NOT NULL");
        assertThat(emails).hasSizeGreaterThan(ShopSampleData.CUSTOMERS * 9 / 10).doesNotHaveDuplicates()
                .allMatch(e -> e.matches("[a-z0-9._]+@([a-z]+\\.)?example\\.(com|org|net)"));

        List<String> phones = strings(shop, "SELECT phone FROM customers WHERE phone IS NOT NULL");
        assertThat(phones).hasSizeGreaterThan(ShopSampleData.CUSTOMERS * 3 / 4)
                .allMatch(p -> PHONE_FORMATS.stream().anyMatch(f -> f.matcher(p).matches()));
        assertThat(phones.stream().map(p -> p.replaceAll("\\D", "").substring(0, 2)).distinct())
                .as("country codes, from international and national forms").contains("14", "44", "49", "33");
        for (String phone : phones.stream().filter(p -> p.startsWith("+1") || p.startsWith("(")).toList()) {
            String digits = phone.replaceAll("\\D", "").replaceFirst("^1", "");
            assertThat(digits).as("NANP area code and exchange of %s", phone).matches("[2-9]\\d\\d[2-9]\\d\\d\\d{4}");
            assertThat(digits.substring(4, 6)).as("exchange of %s is not N11", phone).isNotEqualTo("11");
        }

        assertThat(strings(shop, "SELECT min(date_of_birth)::text || ' ' || max(date_of_birth)::text FROM customers"))
                .singleElement().satisfies(range -> {
                    String[] bounds = range.split(" ");
                    assertThat(LocalDate.parse(bounds[0])).isAfterOrEqualTo(LocalDate.of(1940, 1, 1));
                    assertThat(LocalDate.parse(bounds[1])).isBeforeOrEqualTo(LocalDate.of(2006, 12, 31));
                });
    }

    @Test
    void aboutOneNoteInFiveMentionsAnEmailOrAPhone() throws SQLException {
        List<String> notes = strings(shop, "SELECT notes FROM customers WHERE notes IS NOT NULL");
        long withContact = notes.stream().filter(n -> EMAIL.matcher(n).find() || PHONE.matcher(n).find()).count();

        assertThat(notes).hasSize(ShopSampleData.CUSTOMERS);
        assertThat((double) withContact / notes.size()).isBetween(0.15, 0.25);
        assertThat(notes).anyMatch(n -> EMAIL.matcher(n).find()).anyMatch(n -> PHONE.matcher(n).find());
        // Look-alikes that a masking rule must leave alone.
        assertThat(notes).anyMatch(n -> n.matches(".*\\b\\d+\\.\\d+\\.\\d+\\.\\d+\\b.*"))
                .anyMatch(n -> n.matches(".*invoice \\d{4}-\\d{3}.*"))
                .anyMatch(n -> n.contains("@support"));
    }

    @Test
    void ordersBelongToCustomersAndLookLikeAShopsHistory() throws SQLException {
        assertThat(longValue(shop, "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL"))
                .isZero();
        assertThat(strings(shop, "SELECT DISTINCT status FROM orders"))
                .containsExactlyInAnyOrderElementsOf(ShopSampleData.ORDER_STATUSES);
        try (Statement sql = shop.createStatement();
             ResultSet range = sql.executeQuery("SELECT min(created_at), max(created_at), min(amount), max(amount) FROM orders")) {
            range.next();
            OffsetDateTime reference = ShopSampleData.REFERENCE_TIME.atOffset(ZoneOffset.UTC);
            assertThat(range.getObject(1, OffsetDateTime.class)).isAfterOrEqualTo(reference.minus(Duration.ofDays(730)));
            assertThat(range.getObject(2, OffsetDateTime.class)).isBeforeOrEqualTo(reference);
            assertThat(range.getBigDecimal(3)).isGreaterThan(BigDecimal.ZERO);
            assertThat(range.getBigDecimal(4)).isLessThan(new BigDecimal("10000"));
        }
        assertThat(longValue(shop, "SELECT count(DISTINCT customer_id) FROM orders"))
                .as("some customers never ordered").isBetween(ShopSampleData.CUSTOMERS * 8L / 10, ShopSampleData.CUSTOMERS - 1L);
    }

    @Test
    void loadingAgainReplacesTheTablesWithTheSameRows() throws SQLException {
        String before = fingerprint(shop);

        ShopSampleData.load(shop);

        assertThat(longValue(shop, "SELECT count(*) FROM customers")).isEqualTo(ShopSampleData.CUSTOMERS);
        assertThat(longValue(shop, "SELECT count(*) FROM orders")).isEqualTo(ShopSampleData.ORDERS);
        assertThat(fingerprint(shop)).isEqualTo(before);
        assertThat(shop.getAutoCommit()).isTrue();
    }

    @Test
    void connectionsThatHidePgjdbcGetTheSameRowsByInsert() throws SQLException {
        try (Connection target = freshDatabase("shop_without_copy")) {
            ShopSampleData.load(hidingPgjdbc(target));

            assertThat(fingerprint(target)).isEqualTo(fingerprint(shop));
        }
    }

    @Test
    void loadsAsTheNonSuperuserThatOwnsTheDatabaseAsTheDemoDoes() throws SQLException {
        try (Statement sql = shop.createStatement()) {
            sql.execute("CREATE ROLE shop_owner LOGIN");
            sql.execute("CREATE DATABASE shop_owned OWNER shop_owner");
        }
        try (Connection owned = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "shop_owned"));
             Statement sql = owned.createStatement()) {
            sql.execute("SET ROLE shop_owner");
            ShopSampleData.load(owned);

            assertThat(strings(owned, "SELECT tableowner FROM pg_tables WHERE tablename IN ('customers', 'orders')"))
                    .containsExactly("shop_owner", "shop_owner");
            assertThat(fingerprint(owned)).isEqualTo(fingerprint(shop));
        }
    }

    private static Connection freshDatabase(String name) throws SQLException {
        try (Statement sql = shop.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        }
        return DriverManager.getConnection(postgres.getJdbcUrl("postgres", name));
    }

    /** A connection wrapper, like some pool proxies, that does not let callers reach pgjdbc. */
    private static Connection hidingPgjdbc(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("isWrapperFor")) {
                        return false;
                    }
                    if (method.getName().equals("unwrap")) {
                        throw new SQLException("not a wrapper");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String fingerprint(Connection connection) throws SQLException {
        return strings(connection, """
                SELECT (SELECT md5(string_agg(c::text, E'\\n' ORDER BY id)) FROM customers c)
                    || (SELECT md5(string_agg(o::text, E'\\n' ORDER BY id)) FROM orders o)""").getFirst();
    }

    private static boolean passesLuhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }

    private static String issuer(String digits) {
        int two = Integer.parseInt(digits.substring(0, 2));
        int four = Integer.parseInt(digits.substring(0, 4));
        if (digits.length() == 16 && digits.startsWith("4")) {
            return "visa";
        }
        if (digits.length() == 16 && (two >= 51 && two <= 55 || four >= 2221 && four <= 2720)) {
            return "mastercard";
        }
        if (digits.length() == 15 && (two == 34 || two == 37)) {
            return "amex";
        }
        return "unknown";
    }

    private static long longValue(Connection connection, String query) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(Connection connection, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement sql = connection.createStatement(); ResultSet rs = sql.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
