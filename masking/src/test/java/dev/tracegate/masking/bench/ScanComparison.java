package dev.tracegate.masking.bench;

import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.HashKey;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.config.MaskingConfig;
import dev.tracegate.masking.detect.CardDetector;
import dev.tracegate.masking.detect.PhoneDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes what the masker makes of many generated texts and JSON documents, one line each, so that
 * two builds of the masking classes can be compared byte for byte: run it with the old classes and
 * with the new ones on the same seed and {@code cmp} the files. The texts crowd card numbers, phone
 * numbers, IBANs and plain numbers together (adjacent, overlapping, joined by every separator the
 * detectors know, after the words that sway them, many in one text so that budgets run out), the
 * cases where one detector's finds and another's meet.
 *
 * <pre>java -cp ... dev.tracegate.masking.bench.ScanComparison SEED COUNT OUT</pre>
 */
public final class ScanComparison {

    private static final List<String> CARD_PREFIXES = List.of("4", "4003", "51", "55", "2221", "34", "37", "6011",
            "65", "3528", "36", "62");
    private static final List<String> JOINERS = List.of(" ", " ", ", ", "; ", "-", "/", ".", "(", ")", "+", "", " (",
            ") ", " +", "\n", ": ", " x ", "  ", "=", "_", "|");
    private static final List<String> WORDS = List.of("call", "phone", "tel", "card", "visa", "order", "invoice",
            "iban", "ref", "mobile", "paid", "ssn", "id", "amount", "fax", "text");
    private static final List<String> IBANS = List.of("DE89 3704 0044 0532 0130 00", "DE89370400440532013000",
            "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300");

    private ScanComparison() {
    }

    /**
     * {@code SEED COUNT OUT} writes every text; {@code meeting SEED COUNT OUT} only the short texts
     * in which a phone find of the detector alone and a card find overlap or touch, the lines of
     * {@code ClaimedDigitsCorpusTest}'s corpus.
     */
    public static void main(String[] args) throws IOException {
        boolean meeting = args[0].equals("meeting");
        int first = meeting ? 1 : 0;
        long seed = Long.parseLong(args[first]);
        int count = Integer.parseInt(args[first + 1]);
        Random random = new Random(seed);
        List<Masker> maskers = List.of(new Masker(MaskingProfile.defaults()),
                new Masker(MaskingProfile.demo(HashKey.of(new byte[32]))));
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[first + 2]), StandardCharsets.UTF_8))) {
            for (int i = 0; i < count; i++) {
                String text = text(random, 1 + random.nextInt(meeting ? 5 : random.nextInt(10) == 0 ? 60 : 8));
                boolean asJson = random.nextInt(3) == 0;
                if (meeting && !findsMeet(text)) {
                    continue;
                }
                for (int m = 0; m < maskers.size(); m++) {
                    out.println((meeting ? m + "\t" + (asJson ? "json" : "text") + "\t" : "")
                            + masked(maskers.get(m), text, asJson));
                }
            }
        }
    }

    /** Whether the phone detector, asked about every digit, finds something that overlaps or touches a card find. */
    private static boolean findsMeet(String text) {
        List<Match> cards = new ArrayList<>();
        List<Match> phones = new ArrayList<>();
        new CardDetector().find(text, cards);
        new PhoneDetector(MaskingConfig.DEFAULT_PHONE_REGIONS).find(text, phones);
        for (Match card : cards) {
            for (Match phone : phones) {
                if (phone.start() <= card.end() + 1 && phone.end() + 1 >= card.start()) {
                    return true;
                }
            }
        }
        return false;
    }

    public static String masked(Masker masker, String text, boolean asJson) {
        MaskingReport report = new MaskingReport();
        String result;
        try {
            if (asJson) {
                String json = "{\"note\":" + quoted(text) + ",\"n\":[" + digitsOnly(text) + "]," + quoted(text) + ":1}";
                result = masker.json("response.body").mask(json, report);
            } else {
                result = String.valueOf(masker.maskText(ColumnRef.expression("body"), text, report).value());
            }
        } catch (MaskingRefusedException refused) {
            result = "refused " + refused.getMessage();
        }
        return escaped(text) + "\t" + escaped(result) + "\t" + escaped(report.snapshot().toString());
    }

    private static String text(Random random, int pieces) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < pieces; p++) {
            if (p > 0) {
                text.append(pick(random, JOINERS));
            }
            text.append(switch (random.nextInt(10)) {
                case 0, 1, 2 -> card(random);
                case 3, 4 -> phone(random);
                case 5 -> pick(random, IBANS);
                case 6, 7 -> digits(random, 1 + random.nextInt(random.nextBoolean() ? 5 : 20));
                default -> pick(random, WORDS);
            });
        }
        return text.toString();
    }

    private static String card(Random random) {
        String prefix = pick(random, CARD_PREFIXES);
        int length = 13 + random.nextInt(7);
        StringBuilder number = new StringBuilder(prefix);
        while (number.length() < length - 1) {
            number.append((char) ('0' + random.nextInt(10)));
        }
        number.append(luhnCheckDigit(number));
        return grouped(random, number.toString());
    }

    private static String grouped(Random random, String digits) {
        int shape = random.nextInt(4);
        if (shape == 0) {
            return digits;
        }
        String separator = shape == 1 ? " " : shape == 2 ? "-" : random.nextBoolean() ? "." : "/";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 4) {
            out.append(i == 0 ? "" : separator).append(digits, i, Math.min(digits.length(), i + 4));
        }
        return out.toString();
    }

    private static String phone(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "+44 20 7946 " + digits(random, 4);
            case 1 -> "(" + (200 + random.nextInt(800)) + ") 555-" + digits(random, 4);
            case 2 -> "020 7946 " + digits(random, 4);
            case 3 -> "030 " + digits(random, 8);
            case 4 -> "+49 30 " + digits(random, 7);
            case 5 -> "0044 20 7946 " + digits(random, 4);
            case 6 -> "+1 " + (200 + random.nextInt(800)) + " 555 " + digits(random, 4);
            default -> "0" + (1 + random.nextInt(9)) + digits(random, 9);
        };
    }

    private static String digits(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('0' + random.nextInt(10)));
        }
        return out.toString();
    }

    private static String digitsOnly(String text) {
        StringBuilder numbers = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (Character.isDigit(text.charAt(i)) && text.charAt(i) <= '9') {
                int end = i;
                while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
                    end++;
                }
                String run = text.substring(i, Math.min(end, i + 18)).replaceFirst("^0+(?=.)", "");
                numbers.append(numbers.isEmpty() ? "" : ",").append(run);
                i = end;
            } else {
                i++;
            }
        }
        return numbers.toString();
    }

    private static char luhnCheckDigit(CharSequence payload) {
        int sum = 0;
        for (int i = payload.length() - 1, position = 0; i >= 0; i--, position++) {
            int digit = payload.charAt(i) - '0';
            if (position % 2 == 0) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static String escaped(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
