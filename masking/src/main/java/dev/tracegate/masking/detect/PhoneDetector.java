package dev.tracegate.masking.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.TextFacts;
import dev.tracegate.masking.ScanBudgetExceededException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Telephone numbers, validated against libphonenumber's number plans.
 *
 * <p>The scan itself is hand-written: it collects runs of digits joined by the usual separators,
 * rejects shapes that are dates, IPv4 addresses and decimals, and only then asks libphonenumber.
 * A number in international form ({@code +44 20 7946 0958}, {@code 0044 ...}) must be valid. A
 * number in national form must be valid in one of the configured regions <em>and</em> be grouped
 * the way that region writes it ({@code (415) 555-2671}, {@code 020 7946 0958}), unless a word such
 * as "phone" or "call" comes just before it. Bare digit runs need such a word. This keeps order
 * numbers, years and amounts out without missing numbers people actually write.
 */
public final class PhoneDetector implements Detector {

    private static final int MIN_DIGITS = 7;
    private static final int MAX_DIGITS = 15;
    private static final int MAX_CANDIDATE = 32;
    private static final int MAX_GROUPS = 8;
    private static final String UNKNOWN_REGION = "ZZ";
    /**
     * Look-ups every text may spend, whatever its length: a short list of numbers ("scores 12 15 18
     * 21 ...", a hex dump) asks a few for every start and every region, and once ran out, which
     * replaced the whole text. Still a constant, so the cost stays linear in the text's length.
     */
    private static final int BASE_BUDGET = 320;

    private static final Set<String> PHONE_WORDS = Set.of(
            "phone", "phones", "tel", "telephone", "call", "called", "calling", "mobile", "mob", "cell", "cellphone",
            "fax", "whatsapp", "sms", "text", "texted", "contact", "reach", "ph", "dial", "ring", "landline", "handy",
            "hotline", "telefon", "telefono", "tél", "téléphone", "portable", "mobil");
    private static final Set<String> OTHER_NUMBER_WORDS = Set.of(
            "order", "orders", "invoice", "isbn", "issn", "ref", "reference", "account", "acct", "serial", "sku",
            "id", "tracking", "zip", "postcode", "amount", "total", "price", "qty", "quantity", "version", "build",
            "ticket", "case", "booking", "confirmation", "iban", "bic", "swift", "routing", "sort", "ssn", "imei",
            "ean", "upc", "gtin", "policy", "claim", "receipt", "batch", "lot", "card", "visa", "mastercard", "amex",
            "block", "box", "isbn13");

    private final PhoneNumberUtil numbers = PhoneNumberUtil.getInstance();
    private final NumberPlans numberPlans = new NumberPlans(numbers);
    private final List<RegionPlan> regions;

    /** A region's country calling code and national (trunk) prefix, looked up once. */
    private record RegionPlan(String region, int countryCode, String trunkPrefix) {
    }

    /** @param regions ISO 3166 region codes whose national formats are recognised, e.g. US, GB, DE */
    public PhoneDetector(List<String> regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one phone region is needed");
        }
        List<RegionPlan> plans = new ArrayList<>();
        for (String region : regions) {
            String code = region.trim().toUpperCase(Locale.ROOT);
            int countryCode = numbers.getCountryCodeForRegion(code);
            if (countryCode == 0) {
                throw new IllegalArgumentException("unknown phone region '" + region + "'");
            }
            plans.add(new RegionPlan(code, countryCode, numbers.getNddPrefixForRegion(code, true)));
        }
        this.regions = List.copyOf(plans);
    }

    public List<String> regions() {
        return regions.stream().map(RegionPlan::region).toList();
    }

    @Override
    public boolean mayMatch(TextFacts facts) {
        return facts.longestNumberDigits() >= MIN_DIGITS;
    }

    @Override
    public EntityType type() {
        return EntityType.PHONE;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        find(text, out, List.of());
    }

    /**
     * {@link #find(CharSequence, List)} without asking about digits a card number has claimed:
     * candidates that start inside one of {@code cards} (the card detector's finds in the same text,
     * in order of start, none overlapping) are not examined when no candidate can run on past the
     * card's end (what follows it joins no further digit group). Each is an ASCII test per card; a
     * card's prefixes that a region's number plan accepts cost microseconds each to check and format.
     *
     * <p>Why nothing is masked less, for a caller that merges these finds with the cards' (as
     * {@code ContentScanner} does, with the card's finds ahead of this detector's on equal starts):
     * a candidate that starts inside such a card span collects digit groups only up to the card's
     * end, so every match it could give lies inside the card span and merges into the card's find
     * without moving its start, its end or the find that names it. After the span, the scan goes on
     * from the card's end as it would have: every candidate inside it ends there or before, and the
     * only memory a match leaves ({@code lastMatchEnd}, which lets a candidate start right after a
     * match inside a grouped number) matters one character after the card's end only when a space
     * and a digit follow it, which is exactly the case not skipped. The budget is spent on fewer
     * candidates, so a text whose every candidate was examined within it gives the same finds; one
     * that ran out before may now be scanned to its end.
     */
    public void find(CharSequence text, List<Match> out, List<Match> cards) {
        int n = text.length();
        Budget budget = null;
        int lastMatchEnd = -1;
        int card = 0;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c > '9' || (c < '0' && c != '+' && c != '(')) {
                i++; // letters, spaces and punctuation: the hot path
                continue;
            }
            while (card < cards.size() && cards.get(card).end() <= i) {
                card++;
            }
            if (card < cards.size() && cards.get(card).start() <= i && chainEndsAt(text, cards.get(card).end())) {
                i = cards.get(card).end(); // inside a card number that nothing can extend: its find covers ours
                continue;
            }
            boolean opener = c == '+' || c == '(';
            int runEnd = Chars.digitRunEnd(text, opener ? i + 1 : i);
            // a + glued to letters before it (tel+14155552671, x+44...) still starts an international number
            boolean mayStart = opener ? runEnd > i + 1
                    && (!Chars.isWordCharAt(text, i - 1) || (c == '+' && Chars.isAsciiLetter(text.charAt(i - 1))))
                    : Chars.numberMayStartAt(text, i) && (i - 1 == lastMatchEnd || !insideGroupedNumber(text, i));
            if (!mayStart || reachableDigits(text, i) < MIN_DIGITS) {
                i = Math.max(runEnd, i + 1);
                continue;
            }
            if (budget == null) {
                budget = new Budget(BASE_BUDGET + n / 8);
            }
            int matchEnd = scan(text, i, budget, out);
            lastMatchEnd = Math.max(lastMatchEnd, matchEnd);
            i = matchEnd > 0 ? matchEnd : Math.max(runEnd, i + 1);
        }
    }

    /**
     * Whether no candidate can collect a digit group at or after {@code end}, the end of a digit
     * run: what {@link #collect} would take there (a separator before a digit or an opening
     * parenthesis, a parenthesis) is absent. Parentheses count as continuing whatever follows them.
     */
    private static boolean chainEndsAt(CharSequence text, int end) {
        if (end >= text.length()) {
            return true;
        }
        char c = text.charAt(end);
        if (Chars.isDigit(c) || c == '(' || c == ')') {
            return false;
        }
        if (c == ' ' || c == '-' || c == '.' || c == '/') {
            return !(Chars.isDigitAt(text, end + 1) || (end + 1 < text.length() && text.charAt(end + 1) == '('));
        }
        return true;
    }

    /**
     * An upper bound on the digits a candidate starting at {@code start} can hold, read without
     * allocating: most numbers in prose (years, amounts, quantities) stop here.
     */
    private static int reachableDigits(CharSequence text, int start) {
        int digits = 0;
        int end = Math.min(text.length(), start + MAX_CANDIDATE);
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (Chars.isDigit(c)) {
                digits++;
            } else if (c != ' ' && c != '-' && c != '.' && c != '/' && c != '(' && c != ')' && c != '+') {
                break;
            }
        }
        return digits;
    }

    /**
     * Whether {@code start} follows a group of three or more digits and a space, as the later groups
     * of an IBAN or a grouped card number do. The candidate that began at the earlier group has
     * already been tried with every prefix; starting again inside it only finds fragments.
     */
    private static boolean insideGroupedNumber(CharSequence text, int start) {
        if (start < 4 || text.charAt(start - 1) != ' ') {
            return false;
        }
        int digits = 0;
        for (int k = start - 2; k >= 0 && Chars.isDigit(text.charAt(k)); k--) {
            digits++;
        }
        return digits >= 3;
    }

    /** Shape of one candidate: its digit groups, the separator before each, and its parentheses. */
    private static final class Candidate {
        final int start;
        final boolean plus;
        final int[] groupStart = new int[MAX_GROUPS];
        final int[] groupEnd = new int[MAX_GROUPS];
        final char[] separatorBefore = new char[MAX_GROUPS];
        int groups;
        int openParen = -1;
        int closeParen = -1;

        Candidate(int start, boolean plus) {
            this.start = start;
            this.plus = plus;
        }

        int digits(int lastGroup) {
            int count = 0;
            for (int g = 0; g <= lastGroup; g++) {
                count += groupEnd[g] - groupStart[g];
            }
            return count;
        }
    }

    /**
     * Returns the end of the accepted match, or -1. Prefixes are tried longest first, grouped as
     * their region writes them; only when none is, and a phone word precedes, is the longest valid
     * prefix taken as written.
     */
    private int scan(CharSequence text, int start, Budget budget, List<Match> out) {
        Candidate candidate = collect(text, start);
        if (candidate.digits(candidate.groups - 1) < MIN_DIGITS) {
            return -1; // most numbers in text end here, before any word is read
        }
        // The words before the candidate are read at its first prefix of a phone number's shape: a
        // date or a decimal (most candidates in prose that get this far) has none, and its answer,
        // no find, is the same whatever the words say.
        List<String> words = null;
        boolean keyword = false;
        boolean unambiguous = false;
        for (int pass = 0; pass < (unambiguous ? 2 : 1); pass++) {
            boolean asWritten = pass == 1;
            for (int g = candidate.groups - 1; g >= 0; g--) {
                int digits = candidate.digits(g);
                if (digits < MIN_DIGITS) {
                    break;
                }
                int end = candidate.groupEnd[g];
                boolean closed = candidate.closeParen > 0 && candidate.closeParen <= end;
                // a parenthesis before the + closes after the calling code, or wraps the whole number
                boolean aroundPlus = candidate.openParen == start - 1;
                boolean parenthesesBalanced = candidate.openParen < 0 || candidate.openParen > end || closed || aroundPlus;
                if (digits > MAX_DIGITS + 2 || !parenthesesBalanced
                        || !(Chars.numberMayEndAt(text, end) || extensionEnd(text, end) > 0 || gluedAfterInternational(text, candidate, end))
                        || looksLikeSomethingElse(text, candidate, g)) {
                    continue;
                }
                if (words == null) {
                    words = PrecedingWords.before(text, start, 4, 40);
                    if (PrecedingWords.verdict(words, PHONE_WORDS, OTHER_NUMBER_WORDS) < 0) {
                        return -1;
                    }
                    keyword = PrecedingWords.anyIn(words, PHONE_WORDS) || isWhatsAppLinkPath(text, start);
                    unambiguous = keyword && !PrecedingWords.anyIn(words, OTHER_NUMBER_WORDS);
                }
                if (isPhone(text, candidate, g, keyword, asWritten, budget)) {
                    boolean codeInParentheses = aroundPlus && g > 0 && candidate.closeParen == candidate.groupEnd[0];
                    out.add(new Match(codeInParentheses ? candidate.openParen : start, end, EntityType.PHONE));
                    return end;
                }
            }
        }
        return -1;
    }

    /**
     * Whether the candidate at {@code start} is the path of a WhatsApp click-to-chat link, {@code
     * https://wa.me/447911123456}: the number in international form without its {@code +}, as
     * WhatsApp asks it written. Its words, {@code wa} and {@code me}, say nothing of a phone, and the
     * number reached masked callers in clear.
     */
    private static boolean isWhatsAppLinkPath(CharSequence text, int start) {
        return start >= 6 && "wa.me/".contentEquals(text.subSequence(start - 6, start).toString().toLowerCase(Locale.ROOT))
                && (start == 6 || !Chars.isWordChar(text.charAt(start - 7)));
    }

    /**
     * Whether a number in international form ends at {@code end} glued to letters ({@code
     * tel+14155552671ext}, {@code +442079460958x}): its {@code +} and its validity in the number plan
     * set it apart, as they do when letters come before it, and before 2026-12-06 such a number
     * reached masked callers in clear.
     */
    private static boolean gluedAfterInternational(CharSequence text, Candidate candidate, int end) {
        return candidate.plus && end < text.length() && Chars.isAsciiLetter(text.charAt(end));
    }

    /** The most digits an extension has (PBXs number them with two to six). */
    private static final int MAX_EXTENSION = 6;

    /**
     * The end of an extension glued to the number that ends at {@code i} ({@code 415-555-2671x123},
     * {@code +1 415 555 2671ext.12}, as CRMs, Faker and people write it), or -1. Glued to a word, a
     * number is none, and such a number reached masked callers in clear. The extension stays: it is
     * a desk's, not a person's.
     */
    private static int extensionEnd(CharSequence text, int i) {
        int n = text.length();
        int k = i;
        if (k < n && (text.charAt(k) == 'x' || text.charAt(k) == 'X')) {
            k++;
        } else if (k + 3 <= n && "ext".equalsIgnoreCase(text.subSequence(k, k + 3).toString())) {
            k += k + 3 < n && text.charAt(k + 3) == '.' ? 4 : 3;
        } else {
            return -1;
        }
        int digitsEnd = Chars.digitRunEnd(text, k);
        boolean digits = digitsEnd > k && digitsEnd - k <= MAX_EXTENSION;
        return digits && Chars.numberMayEndAt(text, digitsEnd) ? digitsEnd : -1;
    }

    private static Candidate collect(CharSequence text, int start) {
        int n = text.length();
        boolean plus = text.charAt(start) == '+';
        Candidate candidate = new Candidate(start, plus);
        int position = plus ? start + 1 : start;
        char pendingSeparator = plus ? '+' : 0;
        if (plus && start > 0 && text.charAt(start - 1) == '(') {
            candidate.openParen = start - 1; // (+44) 20 7946 0958: the calling code in parentheses
        }
        boolean afterSeparator = false;
        while (position < n && position - start < MAX_CANDIDATE && candidate.groups < MAX_GROUPS) {
            char c = text.charAt(position);
            if (Chars.isDigit(c)) {
                int runEnd = Chars.digitRunEnd(text, position);
                candidate.groupStart[candidate.groups] = position;
                candidate.groupEnd[candidate.groups] = runEnd;
                candidate.separatorBefore[candidate.groups] = pendingSeparator;
                candidate.groups++;
                pendingSeparator = 0;
                afterSeparator = false;
                position = runEnd;
            } else if (c == '(' && candidate.openParen < 0 && Chars.isDigitAt(text, position + 1)) {
                candidate.openParen = position;
                pendingSeparator = '(';
                position++;
            } else if (c == ')' && candidate.openParen >= 0 && candidate.closeParen < 0
                    && Chars.isDigitAt(text, position - 1)) {
                candidate.closeParen = position;
                pendingSeparator = ')';
                position++;
            } else if (c == ' ' && !afterSeparator && isSpacedMark(text, position)) {
                afterSeparator = true; // 030 / 901820, 415 - 555 - 2671: a hyphen or slash set off by spaces
                if (pendingSeparator == 0) {
                    pendingSeparator = text.charAt(position + 1);
                }
                position += 3;
            } else if ((c == ' ' || c == '-' || c == '.' || c == '/') && !afterSeparator
                    && position + 1 < n && (Chars.isDigit(text.charAt(position + 1)) || text.charAt(position + 1) == '(')) {
                afterSeparator = true;
                if (pendingSeparator == 0) {
                    pendingSeparator = c;
                }
                position++;
            } else {
                break;
            }
        }
        return candidate;
    }

    private static boolean isSpacedMark(CharSequence text, int space) {
        if (space + 3 >= text.length()) {
            return false;
        }
        char mark = text.charAt(space + 1);
        char after = text.charAt(space + 3);
        return (mark == '-' || mark == '/') && text.charAt(space + 2) == ' ' && (Chars.isDigit(after) || after == '(');
    }

    /** Dates, IPv4 addresses and decimals share a phone number's characters but not its shape. */
    private static boolean looksLikeSomethingElse(CharSequence text, Candidate c, int lastGroup) {
        int groups = lastGroup + 1;
        if (groups == 2 && c.separatorBefore[1] == '.') {
            return true; // 3.14159265
        }
        if (groups == 4 && c.separatorBefore[1] == '.' && c.separatorBefore[2] == '.' && c.separatorBefore[3] == '.') {
            boolean octets = true;
            for (int g = 0; g < 4; g++) {
                octets &= c.groupEnd[g] - c.groupStart[g] <= 3;
            }
            if (octets) {
                return true;
            }
        }
        if (groups >= 3 && !c.plus && c.separatorBefore[1] == c.separatorBefore[2] && c.separatorBefore[1] != ' '
                && (groups == 3 || c.separatorBefore[3] == ' ')) {
            return isDate(text, c);
        }
        return false;
    }

    private static boolean isDate(CharSequence text, Candidate c) {
        int[] length = new int[3];
        int[] value = new int[3];
        for (int g = 0; g < 3; g++) {
            length[g] = c.groupEnd[g] - c.groupStart[g];
            if (length[g] > 4) {
                return false;
            }
            value[g] = Chars.decimal(text, c.groupStart[g], c.groupEnd[g]);
        }
        if (length[0] == 4 && length[1] <= 2 && length[2] <= 2) {
            return isYear(value[0]) && isMonth(value[1]) && isDay(value[2]);
        }
        if (length[0] <= 2 && length[1] <= 2 && (length[2] == 4 || length[2] == 2)) {
            boolean dayMonth = isDay(value[0]) && isMonth(value[1]);
            boolean monthDay = isMonth(value[0]) && isDay(value[1]);
            boolean year = length[2] == 2 || isYear(value[2]);
            boolean separatorOfDates = c.separatorBefore[1] != '-' || length[2] == 4;
            return year && separatorOfDates && (dayMonth || monthDay);
        }
        return false;
    }

    private static boolean isYear(int v) {
        return v >= 1000 && v <= 2999;
    }

    private static boolean isMonth(int v) {
        return v >= 1 && v <= 12;
    }

    private static boolean isDay(int v) {
        return v >= 1 && v <= 31;
    }

    /**
     * @param keyword   a phone word precedes the candidate
     * @param asWritten accept national numbers whatever their grouping (second pass, after a phone word)
     */
    private boolean isPhone(CharSequence text, Candidate c, int lastGroup, boolean keyword, boolean asWritten,
            Budget budget) {
        StringBuilder digits = new StringBuilder(MAX_DIGITS + 2);
        for (int g = 0; g <= lastGroup; g++) {
            digits.append(text, c.groupStart[g], c.groupEnd[g]);
        }
        if (c.plus) {
            return !asWritten && isValidInternational(digits.toString(), budget);
        }
        if (digits.length() > 4 && digits.charAt(0) == '0' && digits.charAt(1) == '0') {
            if (asWritten || digits.charAt(2) == '0') {
                return false; // no country calling code starts with 0
            }
            return isValidInternational(digits.substring(2), budget); // 00 is the international prefix in most of the world
        }
        if (lastGroup == 0 && !keyword) {
            return false; // a bare digit run is a phone number only when the text says so
        }
        for (int g = 1; g <= lastGroup; g++) {
            if (c.separatorBefore[g] == '/' && text.charAt(c.groupStart[g - 1]) != '0' && !keyword) {
                return false; // 0221/1234567 has an area code before the slash; 2024/118 is a reference, unless "phone" says
            }
        }
        String all = digits.toString();
        List<String> groups = null;
        for (RegionPlan plan : regions) {
            String trunk = plan.trunkPrefix();
            int from = trunk != null && !trunk.isEmpty() && all.startsWith(trunk) ? trunk.length() : 0;
            int length = all.length() - from;
            if (length < 4 || length > 14 || all.charAt(from) == '0') {
                continue;
            }
            // ASCII digits without a leading zero: the national significant number as libphonenumber writes it.
            String national = from == 0 ? all : all.substring(from);
            if (!numberPlans.allowsLength(plan.countryCode(), national.length())) {
                continue; // answered by a bit test: no work to count against the budget
            }
            budget.spend();
            if (!numberPlans.isValid(plan.countryCode(), national)) {
                continue;
            }
            if (asWritten || (lastGroup == 0 && keyword)) {
                return true;
            }
            groups = groups == null ? groups(text, c, lastGroup) : groups;
            PhoneNumber number = new PhoneNumber().setCountryCode(plan.countryCode())
                    .setNationalNumber(Long.parseLong(national));
            if (groupedAsWritten(number, groups) || splitAtAreaCode(number, groups, trunk)) {
                return true;
            }
        }
        return false;
    }

    private boolean isValidInternational(String digits, Budget budget) {
        for (int ccLength = 1; ccLength <= 3 && ccLength < digits.length(); ccLength++) {
            int countryCode = Integer.parseInt(digits.substring(0, ccLength));
            if (UNKNOWN_REGION.equals(numbers.getRegionCodeForCountryCode(countryCode))) {
                continue; // calling codes are prefix-free: the first known one is the one
            }
            String national = digits.substring(ccLength);
            if (national.length() < 4 || national.length() > 15) {
                return false;
            }
            if (!numberPlans.allowsLength(countryCode, national.length())
                    && !numberPlans.allowsLength(countryCode, national.length() - 1)) {
                return false; // neither as written nor without a trunk 0 (see below): a bit test, not counted
            }
            budget.spend();
            if (national.charAt(0) != '0') {
                return numberPlans.isValid(countryCode, national);
            }
            // Italy and a few others dial the 0 after the country code: libphonenumber keeps one leading zero.
            if (numberPlans.isValid(countryCode, "0" + withoutLeadingZeros(national))) {
                return true;
            }
            if (!national.startsWith("00") && national.length() > 4) {
                budget.spend(); // +44 (0)20 ...: the trunk prefix written out of habit
                return numberPlans.isValid(countryCode, national.substring(1));
            }
            return false;
        }
        return false;
    }

    /** {@code digits} as a number would print it: without leading zeros, {@code 0} when all are. */
    private static String withoutLeadingZeros(String digits) {
        int first = 0;
        while (first < digits.length() - 1 && digits.charAt(first) == '0') {
            first++;
        }
        return digits.substring(first);
    }

    /**
     * Whether the candidate's digit groups are those of the number's national or international
     * format. The international format is {@code +<calling code> <national groups>}, so its first
     * group is the calling code: written groups that start otherwise (a card number's prefix that
     * a region's plan accepts) are not formatted a second time.
     */
    private boolean groupedAsWritten(PhoneNumber number, List<String> written) {
        return written.equals(digitGroups(numbers.format(number, PhoneNumberFormat.NATIONAL)))
                || (written.get(0).equals(Integer.toString(number.getCountryCode()))
                        && written.equals(digitGroups(numbers.format(number, PhoneNumberFormat.INTERNATIONAL))));
    }

    /**
     * Whether the candidate starts with its trunk prefix and an area code split where people split it,
     * near libphonenumber's first group: {@code (0151) 23456789} and {@code 0151-23456789} (which it
     * writes {@code 01512 3456789}), {@code 0207 946 0958} (London's {@code 020 7946 0958} as Britons
     * often write it). The subscriber number then stands in one group of six digits or more, or ends
     * in the formatted number's last group, so that ZIP+4 codes ({@code 02110-1301}) stay out.
     */
    private boolean splitAtAreaCode(PhoneNumber number, List<String> written, String trunk) {
        String first = written.get(0);
        if (trunk == null || trunk.isEmpty() || !first.startsWith(trunk) || first.length() < trunk.length() + 2
                || first.length() > trunk.length() + 4) {
            return false;
        }
        List<String> formatted = digitGroups(numbers.format(number, PhoneNumberFormat.NATIONAL));
        String areaCode = formatted.get(0);
        String last = written.get(written.size() - 1);
        boolean subscriber = written.size() == 2 ? last.length() >= 6
                : written.size() == formatted.size() && last.equals(formatted.get(formatted.size() - 1));
        return subscriber && !first.equals(areaCode) && (first.startsWith(areaCode) || areaCode.startsWith(first));
    }

    private static List<String> groups(CharSequence text, Candidate c, int lastGroup) {
        List<String> groups = new ArrayList<>(lastGroup + 1);
        for (int g = 0; g <= lastGroup; g++) {
            groups.add(text.subSequence(c.groupStart[g], c.groupEnd[g]).toString());
        }
        return groups;
    }

    private static List<String> digitGroups(String formatted) {
        List<String> groups = new ArrayList<>();
        int i = 0;
        while (i < formatted.length()) {
            if (Chars.isDigit(formatted.charAt(i))) {
                int end = Chars.digitRunEnd(formatted, i);
                groups.add(formatted.substring(i, end));
                i = end;
            } else {
                i++;
            }
        }
        return groups;
    }

    /**
     * Caps look-ups in the number plans per text ({@value #BASE_BUDGET} plus one per 8 characters),
     * so a text of nothing but numbers costs linear time.
     */
    private static final class Budget {
        private int left;

        Budget(int left) {
            this.left = left;
        }

        void spend() {
            if (--left < 0) {
                throw new ScanBudgetExceededException("phone detector");
            }
        }
    }
}
