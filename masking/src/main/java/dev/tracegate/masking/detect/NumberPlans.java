package dev.tracegate.masking.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * Whether a number is valid in some region of its calling code: libphonenumber's
 * {@code isValidNumber}, with each region's number plan looked up once.
 *
 * <p>{@code isValidNumber} looks a region's metadata up several times per number, and every
 * look-up builds a file name and checks it with a regular expression; on a JSON document full of
 * phone numbers those look-ups, not the plans' own patterns, were most of the masker's time. The
 * plans here are libphonenumber's, matched as its matcher matches them, in its own order: a number is
 * valid when it matches the region's general description and one of its number types. Unlike
 * {@code isValidNumber}, every region of the calling code is asked (main region first), not only
 * the one whose leading digits claim the number first: it can only accept more, the safe side for
 * a masker.
 *
 * <p>The plans of a calling code are gathered once, with the lengths any of their general
 * descriptions allows: a candidate of another length (most prefixes of a card number, in most
 * regions) is answered without a look-up, an object or a regular expression. The patterns of some
 * plans cost microseconds per number (Germany's most), so the last answers are remembered by
 * calling code and exact digits: a number that repeats (the same card or phone number in every
 * record of a body, in every response) is matched once. Thread-safe.
 */
final class NumberPlans {

    private final PhoneNumberUtil numbers;
    private final MetadataSource source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    /** Calling codes have one to three digits; each slot is filled once, on first use. */
    private static final int CALLING_CODES = 1000;
    private final AtomicReferenceArray<CallingCode> byCallingCode = new AtomicReferenceArray<>(CALLING_CODES);
    /** Numbers of up to this many digits are remembered: with the calling code and length they fit one long. */
    private static final int MAX_REMEMBERED_DIGITS = 14;
    /** Bounds the answers remembered; past it the memory starts afresh (callers choose the numbers). */
    private static final int REMEMBERED = 4096;
    private final Map<Long, Boolean> answered = new ConcurrentHashMap<>();

    /**
     * The plans of every region that shares one calling code (main region first), and the lengths
     * their general descriptions allow together: a number of any other length is valid in none.
     */
    private record CallingCode(Plan[] plans, boolean anyLength, long lengths) {

        boolean allowsLength(int length) {
            return anyLength || (length < Long.SIZE && (lengths & (1L << length)) != 0);
        }
    }

    /** One region's plan, ready to match: its general description, then its number types in libphonenumber's order. */
    private record Plan(int countryCode, Description general, List<Description> types) {

        static Plan of(PhoneMetadata metadata) {
            if (metadata == null) {
                return null;
            }
            List<PhoneNumberDesc> types = new ArrayList<>(List.of(metadata.getPremiumRate(), metadata.getTollFree(),
                    metadata.getSharedCost(), metadata.getVoip(), metadata.getPersonalNumber(), metadata.getPager(),
                    metadata.getUan(), metadata.getVoicemail(), metadata.getFixedLine()));
            if (!metadata.getSameMobileAndFixedLinePattern()) {
                types.add(metadata.getMobile());
            }
            return new Plan(metadata.getCountryCode(), Description.of(metadata.getGeneralDesc()),
                    types.stream().map(Description::of).toList());
        }
    }

    /**
     * A number description, ready to match: its possible lengths as a bit set, asked first, and its
     * national number pattern compiled once. libphonenumber's own matcher searches a list of boxed
     * lengths and takes the pattern from a synchronized cache on every match; on phone-heavy JSON
     * those were a fifth of the masker's time. An empty length list allows any length; a list of
     * only {@code -1} (libphonenumber's "no numbers of this type") allows none; an empty pattern
     * matches nothing, as in libphonenumber.
     */
    private record Description(boolean anyLength, long lengths, Pattern nationalNumber) {

        static Description of(PhoneNumberDesc description) {
            long lengths = 0;
            for (int length : description.getPossibleLengthList()) {
                if (length >= 0 && length < Long.SIZE) {
                    lengths |= 1L << length;
                }
            }
            String pattern = description.getNationalNumberPattern();
            return new Description(description.getPossibleLengthCount() == 0, lengths,
                    pattern.isEmpty() ? null : Pattern.compile(pattern));
        }

        /** libphonenumber's {@code matchNationalNumber} without prefix matches: the whole number. */
        boolean matches(String national) {
            int length = national.length();
            return (anyLength || (length < Long.SIZE && (lengths & (1L << length)) != 0))
                    && nationalNumber != null && nationalNumber.matcher(national).matches();
        }
    }

    NumberPlans(PhoneNumberUtil numbers) {
        this.numbers = numbers;
    }

    boolean isValid(PhoneNumber number) {
        return isValid(number.getCountryCode(), nationalSignificantNumber(number));
    }

    /**
     * Whether some region of {@code countryCode} allows numbers of {@code length} digits: a bit test,
     * no look-up or regular expression, so callers that cap the work per text need not count it.
     */
    boolean allowsLength(int countryCode, int length) {
        return callingCode(countryCode).allowsLength(length);
    }

    /**
     * Whether {@code national} (the national significant number: ASCII digits, with the leading
     * zeros an Italian-style number keeps) is valid in some region of {@code countryCode}.
     */
    boolean isValid(int countryCode, String national) {
        CallingCode code = callingCode(countryCode);
        if (!code.allowsLength(national.length())) {
            return false;
        }
        long key = keyOf(countryCode, national);
        Boolean known = key < 0 ? null : answered.get(key);
        if (known != null) {
            return known;
        }
        boolean valid = false;
        for (Plan plan : code.plans()) {
            if (valid(national, plan)) {
                valid = true;
                break;
            }
        }
        if (key >= 0) {
            if (answered.size() >= REMEMBERED) {
                answered.clear();
            }
            answered.put(key, valid);
        }
        return valid;
    }

    /**
     * The calling code, the number of digits and their value in one long (10 + 4 + 47 bits: 14
     * digits are below 2^47), so that two numbers share a key only when they are the same digits
     * under the same calling code; -1 for what does not fit.
     */
    static long keyOf(int countryCode, String national) {
        int length = national.length();
        if (countryCode < 0 || countryCode >= CALLING_CODES || length == 0 || length > MAX_REMEMBERED_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            char c = national.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value << 14 | (long) length << 10 | countryCode;
    }

    private CallingCode callingCode(int countryCode) {
        if (countryCode < 0 || countryCode >= CALLING_CODES) {
            return gather(countryCode); // no such calling code: no plans
        }
        CallingCode known = byCallingCode.get(countryCode);
        if (known == null) {
            known = gather(countryCode);
            byCallingCode.compareAndSet(countryCode, null, known);
        }
        return known;
    }

    private CallingCode gather(int countryCode) {
        List<Plan> plans = new ArrayList<>();
        boolean anyLength = false;
        long lengths = 0;
        for (String region : numbers.getRegionCodesForCountryCode(countryCode)) {
            Plan plan = Plan.of(PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
                    ? source.getMetadataForNonGeographicalRegion(countryCode) : source.getMetadataForRegion(region));
            if (plan != null && plan.countryCode() == countryCode) {
                plans.add(plan);
                anyLength |= plan.general().anyLength();
                lengths |= plan.general().lengths();
            }
        }
        return new CallingCode(plans.toArray(Plan[]::new), anyLength, lengths);
    }

    /** Any number type but UNKNOWN, as libphonenumber types a number. */
    private static boolean valid(String national, Plan plan) {
        if (!plan.general().matches(national)) {
            return false;
        }
        for (Description type : plan.types()) {
            if (type.matches(national)) {
                return true;
            }
        }
        return false;
    }


    private static String nationalSignificantNumber(PhoneNumber number) {
        String digits = Long.toString(number.getNationalNumber());
        if (number.isItalianLeadingZero() && number.getNumberOfLeadingZeros() > 0) {
            return "0".repeat(number.getNumberOfLeadingZeros()) + digits;
        }
        return digits;
    }
}
