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

    @Test
    void aRememberedAnswerIsTheAnswerForThoseDigitsOnly() {
        List<PhoneNumber> cases = cases().subList(0, 3_000);
        List<Boolean> first = cases.stream().map(plans::isValid).toList();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < cases.size(); i++) {
                assertThat(plans.isValid(cases.get(i))).as("%s", cases.get(i)).isEqualTo(first.get(i));
            }
        }
        // An Italian number keeps its leading zero: 06 6988 4857 is valid in Italy, 6 6988 4857 is another number.
        assertThat(plans.isValid(39, "0669884857")).isTrue();
        assertThat(plans.isValid(39, "0669884857")).isTrue();
        assertThat(plans.isValid(39, "669884857")).isEqualTo(numbers.isValidNumber(
                new PhoneNumber().setCountryCode(39).setNationalNumber(669884857L)));
    }

    @Test
    void rememberedNumbersShareAKeyOnlyWhenTheyAreTheSameDigitsUnderTheSameCallingCode() {
        assertThat(List.of(NumberPlans.keyOf(39, "0612345"), NumberPlans.keyOf(39, "612345"),
                NumberPlans.keyOf(39, "00612345"), NumberPlans.keyOf(49, "0612345"), NumberPlans.keyOf(3, "90612345"),
                NumberPlans.keyOf(999, "99999999999999"), NumberPlans.keyOf(1, "99999999999999"))).doesNotHaveDuplicates()
                .allMatch(key -> key >= 0);
        assertThat(NumberPlans.keyOf(44, "+2079460958")).isEqualTo(-1);
        assertThat(NumberPlans.keyOf(44, "123456789012345")).isEqualTo(-1);
        assertThat(NumberPlans.keyOf(1000, "2079460958")).isEqualTo(-1);
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
