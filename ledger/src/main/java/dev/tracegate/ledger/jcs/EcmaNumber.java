package dev.tracegate.ledger.jcs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * ECMAScript {@code Number::toString} for finite doubles, as RFC 8785 section 3.2.2.3 requires.
 *
 * <p>The digits come from {@link Double#toString(double)}, which since JDK 19 yields the shortest
 * decimal that rounds back to the same double, picking the closest one when several exist. The
 * one divergence from ECMAScript is that Java may prefer a closer two-digit decimal when a
 * one-digit one also round-trips ({@code 4.9E-324} for what ECMAScript prints as {@code 5e-324});
 * {@link #shortestDecimal} undoes that. The layout (plain up to 1e21, exponent beyond, plain down
 * to 1e-6) is ECMAScript's, not Java's.
 */
final class EcmaNumber {
    private static final int MAX_PLAIN_EXPONENT = 21;
    private static final int MIN_PLAIN_EXPONENT = -6;

    private EcmaNumber() {}

    static String format(double value) {
        if (!Double.isFinite(value)) {
            throw new JcsException("non-finite number " + value + " has no JSON representation");
        }
        if (value == 0) {
            return "0"; // also -0: ECMAScript prints negative zero as "0"
        }
        BigDecimal decimal = shortestDecimal(Math.abs(value));
        String digits = decimal.unscaledValue().toString();
        int k = digits.length();
        int n = k - decimal.scale(); // value = digits x 10^(n-k)
        String sign = value < 0 ? "-" : "";
        return sign + layout(digits, k, n);
    }

    private static String layout(String digits, int k, int n) {
        if (k <= n && n <= MAX_PLAIN_EXPONENT) {
            return digits + "0".repeat(n - k);
        }
        if (0 < n && n <= MAX_PLAIN_EXPONENT) {
            return digits.substring(0, n) + "." + digits.substring(n);
        }
        if (MIN_PLAIN_EXPONENT < n && n <= 0) {
            return "0." + "0".repeat(-n) + digits;
        }
        int exponent = n - 1;
        String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
    }

    private static BigDecimal shortestDecimal(double positive) {
        BigDecimal javaDigits = new BigDecimal(Double.toString(positive)).stripTrailingZeros();
        if (javaDigits.precision() != 2) {
            return javaDigits;
        }
        BigDecimal exact = new BigDecimal(positive);
        BigDecimal best = null;
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.DOWN, RoundingMode.UP}) {
            BigDecimal candidate = javaDigits.round(new MathContext(1, mode)).stripTrailingZeros();
            if (Double.parseDouble(candidate.toString()) != positive) {
                continue;
            }
            if (best == null || closer(candidate, best, exact)) {
                best = candidate;
            }
        }
        return best != null ? best : javaDigits;
    }

    private static boolean closer(BigDecimal candidate, BigDecimal best, BigDecimal exact) {
        int cmp = candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs());
        if (cmp != 0) {
            return cmp < 0;
        }
        return candidate.unscaledValue().testBit(0) == false; // tie: ECMAScript picks the even digit
    }
}
