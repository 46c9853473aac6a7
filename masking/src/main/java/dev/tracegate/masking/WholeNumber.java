package dev.tracegate.masking;

import java.math.BigDecimal;

/**
 * The digits of a JSON float whose value is a whole number: {@code 4111111111111111.0} and
 * {@code 4.111111111111111E15} are both {@code 4111111111111111}. Numbers longer than any the
 * detectors look for, and fractions, have none.
 */
final class WholeNumber {

    /** Longer than every card, account, phone and national number the detectors know. */
    private static final int MAX_DIGITS = 40;

    private WholeNumber() {
    }

    /** The digits (with a leading {@code -} when negative), or {@code null} for a fraction or a number too long. */
    static String digitsOf(String jsonFloat) {
        int exponent = Math.max(jsonFloat.indexOf('e'), jsonFloat.indexOf('E'));
        if (exponent < 0) {
            int dot = jsonFloat.indexOf('.');
            if (dot < 0 || dot > MAX_DIGITS + 1) {
                return dot < 0 ? jsonFloat : null;
            }
            for (int i = dot + 1; i < jsonFloat.length(); i++) {
                if (jsonFloat.charAt(i) != '0') {
                    return null;
                }
            }
            return jsonFloat.substring(0, dot);
        }
        try {
            BigDecimal number = new BigDecimal(jsonFloat).stripTrailingZeros();
            if (number.scale() > 0 || number.precision() - number.scale() > MAX_DIGITS) {
                return null;
            }
            return number.toPlainString();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
