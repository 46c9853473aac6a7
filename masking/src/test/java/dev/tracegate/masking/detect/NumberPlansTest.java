package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NumberPlans answers as libphonenumber does, for every region's and calling code's numbers. */
class NumberPlansTest {

    private final PhoneNumberUtil numbers = PhoneNumberUtil.getInstance();
    private final NumberPlans plans = new NumberPlans(numbers);

    @Test
    void validExactlyWhenLibphonenumberFindsARegionOfTheCallingCodeWhereTheNumberIsValid() {
        List<PhoneNumber> cases = cases();
        assertThat(cases).hasSizeGreaterThan(5_000);
        int valid = 0;
        for (PhoneNumber number : cases) {
            boolean inSomeRegion = numbers.getRegionCodesForCountryCode(number.getCountryCode()).stream()
                    .anyMatch(region -> numbers.isValidNumberForRegion(number, region));
            assertThat(plans.isValid(number)).as("%s", number).isEqualTo(inSomeRegion);
            if (numbers.isValidNumber(number)) {
                assertThat(plans.isValid(number)).as("no number libphonenumber accepts is lost: %s", number).isTrue();
                valid++;
            }
        }
        assertThat(valid).as("the cases hold valid numbers, not only invalid ones").isGreaterThan(1_000);
    }

    @Test
    void unknownCallingCodesAndNumbersOfTheWrongLengthAreNotValid() {
        assertThat(plans.isValid(new PhoneNumber().setCountryCode(999).setNationalNumber(2079460958L))).isFalse();
        assertThat(plans.isValid(new PhoneNumber().setCountryCode(44).setNationalNumber(207946095812345L))).isFalse();
        assertThat(plans.isValid(new PhoneNumber().setCountryCode(44).setNationalNumber(2079460958L))).isTrue();
    }

    /** Every example number of every region and type, and neighbours of each: digits changed, dropped, added. */
    private List<PhoneNumber> cases() {
        List<PhoneNumber> examples = new ArrayList<>();
        for (String region : numbers.getSupportedRegions()) {
            for (PhoneNumberType type : PhoneNumberType.values()) {
                PhoneNumber example = numbers.getExampleNumberForType(region, type);
                if (example != null) {
                    examples.add(example);
                }
            }
        }
        for (int callingCode : numbers.getSupportedGlobalNetworkCallingCodes()) {
            PhoneNumber example = numbers.getExampleNumberForNonGeoEntity(callingCode);
            if (example != null) {
                examples.add(example);
            }
        }
        List<PhoneNumber> cases = new ArrayList<>();
        for (PhoneNumber example : examples) {
            long national = example.getNationalNumber();
            List<Long> variants = new ArrayList<>(List.of(national, national / 10, national * 10 + 7));
            for (int digit = 0; digit <= 9; digit++) {
                variants.add(national / 10 * 10 + digit);
                variants.add(national % 1_000 + digit * (long) Math.pow(10, Long.toString(national).length() - 1));
            }
            for (long variant : variants) {
                if (variant <= 0) {
                    continue;
                }
                PhoneNumber number = new PhoneNumber().setCountryCode(example.getCountryCode()).setNationalNumber(variant);
                if (example.isItalianLeadingZero()) {
                    number.setItalianLeadingZero(true).setNumberOfLeadingZeros(example.getNumberOfLeadingZeros());
                }
                cases.add(number);
            }
        }
        return cases;
    }
}
