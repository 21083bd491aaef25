package io.nexaflow.number;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.regex.Pattern;

/**
 * Reads the numbers people write into flows and call requests, with libphonenumber.
 * PSTN numbers come out in E.164; national numbers are read in the default region.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Pattern EXTENSION = Pattern.compile("[0-9]{2,6}");
    private static final Pattern SIP = Pattern.compile("sips?:([A-Za-z0-9._~%!$&'()*+,=-]+@)?[A-Za-z0-9.-]+(:[0-9]{1,5})?(;[A-Za-z0-9._~%=+-]+)*");
    /** The vendor page's placeholders, e.g. "096506xxxxx": accepted only in sandbox mode. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\+?[0-9]{3,14}[xX]{1,10}");

    private final String region;
    private final boolean allowPlaceholders;

    public PhoneNumbers(String region, boolean allowPlaceholders) {
        if (!UTIL.getSupportedRegions().contains(region)) {
            throw new IllegalArgumentException("unknown phone number region '" + region + "'");
        }
        this.region = region;
        this.allowPlaceholders = allowPlaceholders;
    }

    /** A number a call is placed from or to: E.164 out, or an {@link InvalidNumber} that says why. */
    public String pstn(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidNumber("is required");
        }
        String trimmed = raw.trim();
        if (PLACEHOLDER.matcher(trimmed).matches()) {
            if (allowPlaceholders) {
                return trimmed;
            }
            throw new InvalidNumber("'" + raw + "' is a placeholder; placeholder numbers work only in sandbox mode");
        }
        Phonenumber.PhoneNumber number;
        try {
            number = UTIL.parse(trimmed, region);
        } catch (NumberParseException e) {
            throw new InvalidNumber("'" + raw + "' is not a phone number (" + describe(e) + ")");
        }
        if (!UTIL.isValidNumber(number)) {
            throw new InvalidNumber("'" + raw + "' is not a valid number"
                    + (trimmed.startsWith("+") ? "" : " in region " + region));
        }
        return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    }

    /** A dial target: a PSTN number (normalised), a sip: URI, or a 2–6 digit extension (both kept as written). */
    public String dialTarget(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidNumber("is required");
        }
        String trimmed = raw.trim();
        if (trimmed.regionMatches(true, 0, "sip", 0, 3)) {
            if (SIP.matcher(trimmed).matches()) {
                return trimmed;
            }
            throw new InvalidNumber("'" + raw + "' is not a valid sip: URI");
        }
        if (EXTENSION.matcher(trimmed).matches()) {
            return trimmed;
        }
        try {
            return pstn(trimmed);
        } catch (InvalidNumber e) {
            throw new InvalidNumber(e.getMessage() + "; a dial target is a phone number, a sip: URI or a 2–6 digit extension");
        }
    }

    /** For logs: "+911203135800" becomes "+9112******00". */
    public static String mask(String number) {
        if (number == null) {
            return null;
        }
        int length = number.length();
        int keepHead = length >= 10 ? 5 : length > 4 ? 1 : 0;
        int keepTail = length >= 10 ? 2 : length > 4 ? 1 : 0;
        return number.substring(0, keepHead) + "*".repeat(length - keepHead - keepTail)
                + number.substring(length - keepTail);
    }

    private static String describe(NumberParseException e) {
        return switch (e.getErrorType()) {
            case INVALID_COUNTRY_CODE -> "unknown country code";
            case NOT_A_NUMBER -> "not a number";
            case TOO_SHORT_AFTER_IDD, TOO_SHORT_NSN -> "too short";
            case TOO_LONG -> "too long";
        };
    }

    /** A number that cannot be used, with a message fit for a problem document. */
    public static final class InvalidNumber extends RuntimeException {
        public InvalidNumber(String message) {
            super(message, null, false, false);
        }
    }
}
