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
 * a masker. Thread-safe.
 */
final class NumberPlans {

    private final PhoneNumberUtil numbers;
    private final MetadataSource source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    private final Map<String, Plan> byRegion = new ConcurrentHashMap<>();
    private final Map<Integer, Plan> nonGeographic = new ConcurrentHashMap<>();

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
        List<String> regions = numbers.getRegionCodesForCountryCode(number.getCountryCode());
        if (regions.isEmpty()) {
            return false;
        }
        String national = nationalSignificantNumber(number);
        for (String region : regions) {
            Plan plan = plan(region, number.getCountryCode());
            if (plan != null && plan.countryCode() == number.getCountryCode() && valid(national, plan)) {
                return true;
            }
        }
        return false;
    }

    private Plan plan(String region, int countryCode) {
        if (PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)) {
            Plan known = nonGeographic.get(countryCode);
            return known != null ? known : nonGeographic.computeIfAbsent(countryCode,
                    code -> Plan.of(source.getMetadataForNonGeographicalRegion(code)));
        }
        Plan known = byRegion.get(region);
        return known != null ? known : byRegion.computeIfAbsent(region, code -> Plan.of(source.getMetadataForRegion(code)));
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
