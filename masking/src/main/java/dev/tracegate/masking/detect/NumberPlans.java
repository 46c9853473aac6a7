package dev.tracegate.masking.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.internal.MatcherApi;
import com.google.i18n.phonenumbers.internal.RegexBasedMatcher;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a number is valid in some region of its calling code: libphonenumber's
 * {@code isValidNumber}, with each region's number plan looked up once.
 *
 * <p>{@code isValidNumber} looks a region's metadata up several times per number, and every
 * look-up builds a file name and checks it with a regular expression; on a JSON document full of
 * phone numbers those look-ups, not the plans' own patterns, were most of the masker's time. The
 * plans here are libphonenumber's, matched with its own matcher, in its own order: a number is
 * valid when it matches the region's general description and one of its number types. Unlike
 * {@code isValidNumber}, every region of the calling code is asked (main region first), not only
 * the one whose leading digits claim the number first: it can only accept more, the safe side for
 * a masker. Thread-safe.
 */
final class NumberPlans {

    private final PhoneNumberUtil numbers;
    private final MetadataSource source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    private final MatcherApi matcher = RegexBasedMatcher.create();
    private final Map<String, PhoneMetadata> byRegion = new ConcurrentHashMap<>();
    private final Map<Integer, PhoneMetadata> nonGeographic = new ConcurrentHashMap<>();

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
            PhoneMetadata plan = plan(region, number.getCountryCode());
            if (plan != null && plan.getCountryCode() == number.getCountryCode() && valid(national, plan)) {
                return true;
            }
        }
        return false;
    }

    private PhoneMetadata plan(String region, int countryCode) {
        if (PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)) {
            return nonGeographic.computeIfAbsent(countryCode, source::getMetadataForNonGeographicalRegion);
        }
        return byRegion.computeIfAbsent(region, source::getMetadataForRegion);
    }

    /** Any number type but UNKNOWN, as libphonenumber types a number. */
    private boolean valid(String national, PhoneMetadata plan) {
        if (!matches(national, plan.getGeneralDesc())) {
            return false;
        }
        return matches(national, plan.getPremiumRate()) || matches(national, plan.getTollFree())
                || matches(national, plan.getSharedCost()) || matches(national, plan.getVoip())
                || matches(national, plan.getPersonalNumber()) || matches(national, plan.getPager())
                || matches(national, plan.getUan()) || matches(national, plan.getVoicemail())
                || matches(national, plan.getFixedLine())
                || (!plan.getSameMobileAndFixedLinePattern() && matches(national, plan.getMobile()));
    }

    private boolean matches(String national, PhoneNumberDesc description) {
        List<Integer> lengths = description.getPossibleLengthList();
        if (!lengths.isEmpty() && !lengths.contains(national.length())) {
            return false;
        }
        return matcher.matchNationalNumber(national, description, false);
    }

    private static String nationalSignificantNumber(PhoneNumber number) {
        String digits = Long.toString(number.getNationalNumber());
        if (number.isItalianLeadingZero() && number.getNumberOfLeadingZeros() > 0) {
            return "0".repeat(number.getNumberOfLeadingZeros()) + digits;
        }
        return digits;
    }
}
