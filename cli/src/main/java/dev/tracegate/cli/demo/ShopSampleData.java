package dev.tracegate.cli.demo;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * The demo's {@code shop} data: synthetic customers whose personal data looks real (card numbers
 * pass Luhn, SSNs are in valid ranges, some notes hide an email or a phone number) and their orders.
 *
 * <p>Everything comes from fixed seeds and a fixed reference time, so every demo and every test
 * sees the same rows. Only {@link Random}'s specified methods and {@link StrictMath} are used,
 * because both give the same results on every JVM.
 */
public final class ShopSampleData {

    public static final int CUSTOMERS = 1000;
    public static final int ORDERS = 10_000;
    /** Orders are dated within the two years before this instant. */
    public static final Instant REFERENCE_TIME = Instant.parse("2025-06-30T12:00:00Z");
    public static final List<String> ORDER_STATUSES = List.of("pending", "paid", "shipped", "refunded", "cancelled");

    private static final long CUSTOMER_SEED = 0x5EED_C057L;
    // Orders have their own seed so that changing how customers look leaves the orders alone.
    private static final long ORDER_SEED = 0x5EED_0DE5L;
    private static final int ORDER_WINDOW_SECONDS = (int) Duration.ofDays(730).toSeconds();
    private static final int BATCH_SIZE = 1000;
    private static final String CUSTOMER_COLUMNS = "id, name, email, phone, card_number, national_id, date_of_birth, notes";
    private static final String ORDER_COLUMNS = "id, customer_id, amount, status, created_at";
    private static final LocalDate EARLIEST_BIRTH = LocalDate.of(1940, 1, 1);
    private static final LocalDate LATEST_BIRTH = LocalDate.of(2006, 12, 31);

    private static final List<String> FIRST_NAMES = List.of(
            "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas",
            "Mia", "James", "Amelia", "Benjamin", "Harper", "Elijah", "Charlotte", "Oliver", "Grace", "Daniel",
            "Hannah", "Samuel", "Chloé", "José", "Zoë", "Renée", "François", "Søren", "Björn", "Anaïs",
            "Łukasz", "Mónica", "Jürgen", "Aoife", "Siobhán", "Priya", "Arjun", "Mei", "Hiroshi", "Fatima",
            "Omar", "Yusuf", "Ingrid", "Mateo", "Lucía", "Amara", "Kwame", "Nikolai", "Elena", "Giulia");
    private static final List<String> LAST_NAMES = List.of(
            "Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Miller", "Davis", "Martinez", "Wilson",
            "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
            "Müller", "Schäfer", "Núñez", "O'Brien", "Dubois", "Lefèvre", "Kowalski", "Dvořák", "Nakamura", "Okafor",
            "Rossi", "Novak", "Sørensen", "Fernández", "Petrov", "Haddad", "Chen", "Patel", "Nguyen", "Kim");
    // RFC 2606 names: they look like mail providers but can never reach anyone.
    private static final List<String> EMAIL_DOMAINS = List.of(
            "example.com", "example.com", "example.org", "example.net", "mail.example.net", "inbox.example.com",
            "post.example.org");
    private static final List<String> WORK_DOMAINS = List.of("corp.example.com", "acme.example.org", "work.example.net");
    private static final List<String> US_AREA_CODES = List.of(
            "201", "206", "212", "213", "305", "312", "404", "415", "503", "512", "602", "617", "646", "702",
            "718", "773", "808", "919");
    private static final List<String> CONTACT_NOTES = List.of(
            "Prefers contact at %s after 5pm", "Asked us to cc %s on all invoices", "New work address %s, update the CRM",
            "Call %s before delivering large orders", "Left a voicemail on %s, awaiting callback",
            "Reachable at %s on weekdays only");

    /** One row of {@code customers}; null fields are NULL in the table. */
    private record Customer(int id, String name, String email, String phone, String cardNumber, String nationalId,
                            LocalDate dateOfBirth, String notes) {
        List<String> fields() {
            return Arrays.asList(Integer.toString(id), name, email, phone, cardNumber, nationalId,
                    dateOfBirth == null ? null : dateOfBirth.toString(), notes);
        }
    }

    /** One row of {@code orders}. */
    private record Order(int id, int customerId, long amountCents, String status, Instant createdAt) {
        List<String> fields(DateTimeFormatter timestamps) {
            String amount = String.format(Locale.ROOT, "%d.%02d", amountCents / 100, amountCents % 100);
            return Arrays.asList(Integer.toString(id), Integer.toString(customerId), amount, status,
                    timestamps.format(createdAt.atOffset(ZoneOffset.UTC)));
        }
    }

    /** A table's rows as PostgreSQL text values, with the casts a parameterised INSERT needs. */
    private record TableRows(String table, String columns, String insertValues, List<List<String>> rows) {
    }

    private ShopSampleData() {
    }

    /**
     * Drops and recreates {@code customers} and {@code orders}, fills them and analyzes them. With
     * auto-commit on, this happens in one transaction; otherwise the caller's transaction is used.
     */
    public static void load(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            loadInto(connection);
            return;
        }
        connection.setAutoCommit(false);
        try {
            loadInto(connection);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static void loadInto(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            for (String statement : createTables(ShopDialect.POSTGRES)) {
                sql.execute(statement);
            }
            write(connection, new TableRows("customers", CUSTOMER_COLUMNS,
                    "CAST(? AS integer), ?, ?, ?, ?, ?, CAST(? AS date), ?", customerRows()));
            write(connection, new TableRows("orders", ORDER_COLUMNS,
                    "CAST(? AS integer), CAST(? AS integer), CAST(? AS numeric), ?, CAST(? AS timestamptz)",
                    orderRows(ShopDialect.POSTGRES)));
            sql.execute(ShopDialect.POSTGRES.analyze());
        }
    }

    /**
     * The same tables and rows as {@link #load}, as one MariaDB script (for the {@code mariadb}
     * client over the server's socket, with the default sql_mode: a backslash escapes in strings).
     */
    public static String mariadbScript() {
        StringBuilder script = new StringBuilder(2 << 20);
        for (String statement : createTables(ShopDialect.MARIADB)) {
            script.append(statement).append(";\n");
        }
        appendInserts(script, "customers", CUSTOMER_COLUMNS, customerRows());
        appendInserts(script, "orders", ORDER_COLUMNS, orderRows(ShopDialect.MARIADB));
        return script.append(ShopDialect.MARIADB.analyze()).append(";\n").toString();
    }

    private static List<String> createTables(ShopDialect dialect) {
        return List.of("DROP TABLE IF EXISTS orders, customers", """
                CREATE TABLE customers (
                    id integer PRIMARY KEY,
                    name %1$s NOT NULL,
                    email %1$s,
                    phone %1$s,
                    card_number %1$s,
                    national_id %1$s,
                    date_of_birth date,
                    notes %1$s)""".formatted(dialect.textType()), """
                CREATE TABLE orders (
                    id integer PRIMARY KEY,
                    customer_id integer NOT NULL REFERENCES customers (id),
                    amount numeric(10, 2) NOT NULL,
                    status %s NOT NULL,
                    created_at %s NOT NULL)""".formatted(dialect.textType(), dialect.timestampType()));
    }

    private static List<List<String>> customerRows() {
        return customers().stream().map(Customer::fields).toList();
    }

    private static List<List<String>> orderRows(ShopDialect dialect) {
        return orders().stream().map(order -> order.fields(dialect.timestamps())).toList();
    }

    private static void appendInserts(StringBuilder script, String table, String columns, List<List<String>> rows) {
        for (int start = 0; start < rows.size(); start += BATCH_SIZE) {
            script.append("INSERT INTO ").append(table).append(" (").append(columns).append(") VALUES\n");
            List<List<String>> batch = rows.subList(start, Math.min(rows.size(), start + BATCH_SIZE));
            for (int i = 0; i < batch.size(); i++) {
                script.append(i == 0 ? "(" : ",\n(");
                List<String> row = batch.get(i);
                for (int c = 0; c < row.size(); c++) {
                    script.append(c == 0 ? "" : ", ").append(mariadbLiteral(row.get(c)));
                }
                script.append(')');
            }
            script.append(";\n");
        }
    }

    /** A MariaDB string literal (backslash escapes, as in the default sql_mode), or NULL. */
    private static String mariadbLiteral(String value) {
        return value == null ? "NULL" : "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static void write(Connection connection, TableRows rows) throws SQLException {
        if (connection.isWrapperFor(PGConnection.class)) {
            copy(connection.unwrap(PGConnection.class), rows);
        } else {
            insert(connection, rows);
        }
    }

    private static void copy(PGConnection connection, TableRows rows) throws SQLException {
        StringBuilder text = new StringBuilder(rows.rows().size() * 128);
        for (List<String> row : rows.rows()) {
            for (int i = 0; i < row.size(); i++) {
                text.append(i == 0 ? "" : "\t").append(copyText(row.get(i)));
            }
            text.append('\n');
        }
        try {
            connection.getCopyAPI().copyIn("COPY " + rows.table() + " (" + rows.columns() + ") FROM STDIN",
                    new StringReader(text.toString()));
        } catch (IOException e) {
            throw new SQLException("could not stream the sample " + rows.table() + " to PostgreSQL", e);
        }
    }

    /** A value in COPY's text format, where a backslash starts an escape and \N is NULL. */
    private static String copyText(String value) {
        if (value == null) {
            return "\\N";
        }
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** The slower path, for connections (such as some pool proxies) that do not expose pgjdbc. */
    private static void insert(Connection connection, TableRows rows) throws SQLException {
        String sql = "INSERT INTO " + rows.table() + " (" + rows.columns() + ") VALUES (" + rows.insertValues() + ")";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            int pending = 0;
            for (List<String> row : rows.rows()) {
                for (int i = 0; i < row.size(); i++) {
                    insert.setString(i + 1, row.get(i));
                }
                insert.addBatch();
                if (++pending == BATCH_SIZE) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            insert.executeBatch();
        }
    }

    private static List<Customer> customers() {
        Random random = new Random(CUSTOMER_SEED);
        Set<String> emails = new HashSet<>();
        List<Customer> customers = new ArrayList<>(CUSTOMERS);
        for (int id = 1; id <= CUSTOMERS; id++) {
            customers.add(customer(id, random, emails));
        }
        return customers;
    }

    private static Customer customer(int id, Random random, Set<String> takenEmails) {
        String first = pick(random, FIRST_NAMES);
        String last = pick(random, LAST_NAMES);
        String email = uniqueEmail(first, last, random, takenEmails);
        String phone = phone(random);
        String card = card(random);
        String ssn = ssn(random);
        LocalDate born = EARLIEST_BIRTH.plusDays(random.nextInt((int) ChronoUnit.DAYS.between(EARLIEST_BIRTH, LATEST_BIRTH) + 1));
        String notes = notes(first, last, email, random);
        // A few gaps, as in any real customer table; decided last so they do not shift the values above.
        return new Customer(id, first + " " + last,
                random.nextInt(100) < 2 ? null : email,
                random.nextInt(100) < 8 ? null : phone,
                random.nextInt(100) < 12 ? null : card,
                random.nextInt(100) < 6 ? null : ssn,
                random.nextInt(100) < 3 ? null : born,
                notes);
    }

    private static String uniqueEmail(String first, String last, Random random, Set<String> taken) {
        String f = asciiLetters(first);
        String l = asciiLetters(last);
        String local = switch (random.nextInt(5)) {
            case 0 -> f + "." + l;
            case 1 -> f.charAt(0) + l;
            case 2 -> f + "_" + l;
            case 3 -> f + "." + l + (10 + random.nextInt(90));
            default -> l + "." + f;
        };
        String domain = pick(random, EMAIL_DOMAINS);
        String email = local + "@" + domain;
        for (int n = 2; !taken.add(email); n++) {
            email = local + n + "@" + domain;
        }
        return email;
    }

    /** "Łukasz Dvořák" becomes "lukasz", "dvorak": what people type into an address. */
    private static String asciiLetters(String name) {
        String lower = name.toLowerCase(Locale.ROOT)
                .replace("ł", "l").replace("ø", "o").replace("ß", "ss").replace("æ", "ae");
        return Normalizer.normalize(lower, Normalizer.Form.NFD).replaceAll("[^a-z]", "");
    }

    private static String phone(Random random) {
        int region = random.nextInt(100);
        int style = random.nextInt(3);
        if (region < 50) {
            String area = pick(random, US_AREA_CODES);
            String exchange = usExchange(random);
            String line = digits(random, 4);
            return switch (style) {
                case 0 -> "+1 " + area + "-" + exchange + "-" + line;
                case 1 -> "(" + area + ") " + exchange + "-" + line;
                default -> "+1" + area + exchange + line;
            };
        }
        if (region < 70) {
            String subscriber = "378".charAt(random.nextInt(3)) + digits(random, 7);
            String spaced = subscriber.substring(0, 4) + " " + subscriber.substring(4);
            return switch (style) {
                case 0 -> "+44 20 " + spaced;
                case 1 -> "020 " + spaced;
                default -> "+4420" + subscriber;
            };
        }
        if (region < 85) {
            String subscriber = (2 + random.nextInt(8)) + digits(random, 7);
            return switch (style) {
                case 0 -> "+49 30 " + subscriber.substring(0, 4) + " " + subscriber.substring(4);
                case 1 -> "030 " + subscriber;
                default -> "+4930" + subscriber;
            };
        }
        String subscriber = digits(random, 8);
        String pairs = String.join(" ", subscriber.substring(0, 2), subscriber.substring(2, 4),
                subscriber.substring(4, 6), subscriber.substring(6));
        return switch (style) {
            case 0 -> "+33 1 " + pairs;
            case 1 -> "01 " + pairs;
            default -> "+331" + subscriber;
        };
    }

    /** A North American exchange: it starts with 2-9 and is never an N11 service code. */
    private static String usExchange(Random random) {
        String exchange;
        do {
            exchange = (2 + random.nextInt(8)) + digits(random, 2);
        } while (exchange.endsWith("11"));
        return exchange;
    }

    private static String card(Random random) {
        int issuer = random.nextInt(100);
        String number;
        if (issuer < 50) {
            number = withLuhnDigit("4" + digits(random, 14));
        } else if (issuer < 85) {
            String prefix = random.nextBoolean() ? "5" + (1 + random.nextInt(5)) : Integer.toString(2221 + random.nextInt(500));
            number = withLuhnDigit(prefix + digits(random, 15 - prefix.length()));
        } else {
            number = withLuhnDigit((random.nextBoolean() ? "34" : "37") + digits(random, 12));
        }
        int[] groups = number.length() == 15 ? new int[] {4, 6, 5} : new int[] {4, 4, 4, 4};
        int style = random.nextInt(100);
        return style < 60 ? number : grouped(number, groups, style < 85 ? " " : "-");
    }

    /** Appends the check digit that makes the whole number pass the Luhn check. */
    private static String withLuhnDigit(String payload) {
        int sum = 0;
        for (int i = 0; i < payload.length(); i++) {
            int digit = payload.charAt(payload.length() - 1 - i) - '0';
            // Counting from the right, the check digit is position 0, so payload digits at even i are doubled.
            if (i % 2 == 0) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
        }
        return payload + (10 - sum % 10) % 10;
    }

    private static String grouped(String number, int[] groups, String separator) {
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (int size : groups) {
            out.append(start == 0 ? "" : separator).append(number, start, start + size);
            start += size;
        }
        return out.toString();
    }

    /** An SSN the SSA could have issued: area 001-899 but not 666, group 01-99, serial 0001-9999. */
    private static String ssn(Random random) {
        int area;
        do {
            area = 1 + random.nextInt(899);
        } while (area == 666);
        int group = 1 + random.nextInt(99);
        int serial = 1 + random.nextInt(9999);
        return String.format(Locale.ROOT, "%03d-%02d-%04d", area, group, serial);
    }

    /** Free text: about one in five mentions an email or a phone number, the rest only look like they might. */
    private static String notes(String first, String last, String email, Random random) {
        if (random.nextInt(100) < 20) {
            int template = random.nextInt(CONTACT_NOTES.size());
            String contact = switch (template) {
                case 0, 1 -> email;
                case 2 -> asciiLetters(first).charAt(0) + "." + asciiLetters(last) + "@" + pick(random, WORK_DOMAINS);
                default -> phone(random);
            };
            return String.format(Locale.ROOT, CONTACT_NOTES.get(template), contact);
        }
        return switch (random.nextInt(12)) {
            case 0 -> "Gold tier since " + (2012 + random.nextInt(13));
            case 1 -> String.format(Locale.ROOT, "Asked about invoice %d-%03d", 2021 + random.nextInt(4), 1 + random.nextInt(999));
            case 2 -> "Order #" + (100_000 + random.nextInt(900_000)) + " arrived damaged, replacement sent";
            case 3 -> String.format(Locale.ROOT, "Reported a crash in app version %d.%d.%d.%d",
                    8 + random.nextInt(4), random.nextInt(10), random.nextInt(10), random.nextInt(20));
            case 4 -> "Prefers paperless billing";
            case 5 -> "Ship with signature required";
            case 6 -> String.format(Locale.ROOT, "Returned an item under RMA %d-%04d", 2022 + random.nextInt(3), random.nextInt(10_000));
            case 7 -> "Follows the @support account, asked about the loyalty program";
            case 8 -> String.format(Locale.ROOT, "Delivery window 09:00-12:00, gate code %04d", random.nextInt(10_000));
            case 9 -> String.format(Locale.ROOT, "Paid in %d instalments of %d.99", 2 + random.nextInt(4), 19 + random.nextInt(80));
            case 10 -> String.format(Locale.ROOT, "Ticket %d-%03d closed, refund issued", 7000 + random.nextInt(999), random.nextInt(1000));
            default -> "Requested a callback about a late delivery";
        };
    }

    private static List<Order> orders() {
        Random random = new Random(ORDER_SEED);
        double[] cumulativeWeight = customerWeights(random);
        int[] ageSeconds = new int[ORDERS];
        for (int i = 0; i < ORDERS; i++) {
            ageSeconds[i] = random.nextInt(ORDER_WINDOW_SECONDS);
        }
        // Oldest first, so order ids grow with time as they would in a real shop.
        Arrays.sort(ageSeconds);
        List<Order> orders = new ArrayList<>(ORDERS);
        for (int i = 0; i < ORDERS; i++) {
            int age = ageSeconds[ORDERS - 1 - i];
            orders.add(new Order(i + 1, customerFor(random.nextDouble(), cumulativeWeight), amountCents(random),
                    status(age, random), REFERENCE_TIME.minusSeconds(age)));
        }
        return orders;
    }

    /**
     * Running totals of exponentially distributed loyalty weights: a few customers order a lot, and
     * about one in eleven never orders, which makes joins in the demo more interesting.
     */
    private static double[] customerWeights(Random random) {
        double[] cumulative = new double[CUSTOMERS];
        double total = 0;
        for (int i = 0; i < CUSTOMERS; i++) {
            total += -StrictMath.log(1 - random.nextDouble());
            cumulative[i] = total;
        }
        for (int i = 0; i < CUSTOMERS; i++) {
            cumulative[i] /= total;
        }
        return cumulative;
    }

    private static int customerFor(double u, double[] cumulativeWeight) {
        int index = Arrays.binarySearch(cumulativeWeight, u);
        int position = index >= 0 ? index : -index - 1;
        return Math.min(position, CUSTOMERS - 1) + 1;
    }

    /** Log-normal around 50.00, between 1.99 and 4,999.99. */
    private static long amountCents(Random random) {
        long cents = Math.round(StrictMath.exp(3.9 + 0.9 * random.nextGaussian()) * 100);
        return Math.clamp(cents, 199, 499_999);
    }

    /** Recent orders are still pending or paid; older ones have mostly shipped. */
    private static String status(int ageSeconds, Random random) {
        int roll = random.nextInt(100);
        if (ageSeconds < Duration.ofDays(7).toSeconds()) {
            return roll < 40 ? "pending" : roll < 80 ? "paid" : roll < 95 ? "shipped" : "cancelled";
        }
        return roll < 80 ? "shipped" : roll < 83 ? "paid" : roll < 91 ? "refunded" : "cancelled";
    }

    private static String digits(Random random, int count) {
        StringBuilder out = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            out.append((char) ('0' + random.nextInt(10)));
        }
        return out.toString();
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
