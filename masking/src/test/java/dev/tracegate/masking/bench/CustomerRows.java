package dev.tracegate.masking.bench;

import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.detect.Luhn;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic rows shaped like the demo's {@code customers} table, for the benchmarks: short
 * personal columns and a free-text {@code notes} column that sometimes holds an e-mail, a phone
 * number or a card number, as support notes do.
 */
final class CustomerRows {

    static final List<ColumnRef> COLUMNS = List.of(
            ColumnRef.of("public", "customers", "id", "int4"),
            ColumnRef.of("public", "customers", "name", "text"),
            ColumnRef.of("public", "customers", "email", "text"),
            ColumnRef.of("public", "customers", "phone", "text"),
            ColumnRef.of("public", "customers", "card_number", "text"),
            ColumnRef.of("public", "customers", "national_id", "text"),
            ColumnRef.of("public", "customers", "date_of_birth", "date"),
            ColumnRef.of("public", "customers", "notes", "text"));

    private static final String[] FIRST = {"Alice", "Bob", "Carol", "Dmitri", "Erin", "Farah", "Gustav", "Hana", "Ivo", "Jun"};
    private static final String[] LAST = {"Smith", "Garcia", "Müller", "Rossi", "Kim", "Nguyen", "Patel", "Dubois", "Silva"};
    private static final String[] NOTE_PARTS = {
        "Customer asked about the delivery window for order 1042 and prefers mornings.",
        "Called support twice regarding the invoice; issue resolved after a refund of 12.50 EUR.",
        "Requested that marketing emails stop. Updated preferences on 2024-03-02.",
        "VIP since 2019, usually orders 3 to 5 items per month, mostly kitchenware.",
        "Complained that the parcel arrived damaged; replacement sent with tracking 7781.",
        "Asked for the product manual of model X200 in German and French.",
    };

    private CustomerRows() {
    }

    /** {@code count} rows of text cells (null where the column is NULL), deterministic for a seed. */
    static List<String[]> generate(int count, long seed) {
        Random random = new Random(seed);
        List<String[]> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String first = FIRST[random.nextInt(FIRST.length)];
            String last = LAST[random.nextInt(LAST.length)];
            String email = first.toLowerCase() + "." + last.toLowerCase().replace("ü", "ue") + i + "@example.com";
            String phone = "+1 415-555-" + String.format("%04d", random.nextInt(10_000));
            String card = card(random);
            String ssn = String.format("%03d-%02d-%04d", 1 + random.nextInt(665), 1 + random.nextInt(99), 1 + random.nextInt(9999));
            String dob = String.format("%d-%02d-%02d", 1950 + random.nextInt(50), 1 + random.nextInt(12), 1 + random.nextInt(28));
            StringBuilder notes = new StringBuilder(NOTE_PARTS[random.nextInt(NOTE_PARTS.length)]);
            notes.append(' ').append(NOTE_PARTS[random.nextInt(NOTE_PARTS.length)]);
            int extra = random.nextInt(10);
            if (extra == 0) {
                notes.append(" Alternative contact: ").append(first.toLowerCase()).append("@example.org.");
            } else if (extra == 1) {
                notes.append(" Call back on (212) 555-0").append(100 + random.nextInt(899)).append('.');
            }
            rows.add(new String[] {Integer.toString(i + 1), first + " " + last, email, phone, card, ssn, dob, notes.toString()});
        }
        return rows;
    }

    /** Free-text cells only: the notes of {@code count} rows. */
    static List<String> notes(int count, long seed) {
        return generate(count, seed).stream().map(row -> row[7]).toList();
    }

    static long textChars(List<String[]> rows) {
        long chars = 0;
        for (String[] row : rows) {
            for (String cell : row) {
                chars += cell == null ? 0 : cell.length();
            }
        }
        return chars;
    }

    private static String card(Random random) {
        StringBuilder payload = new StringBuilder("4");
        for (int d = 0; d < 14; d++) {
            payload.append(random.nextInt(10));
        }
        return payload.append(Luhn.checkDigit(payload)).toString();
    }
}
