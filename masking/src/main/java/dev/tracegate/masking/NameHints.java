package dev.tracegate.masking;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entity types implied by a column's or a JSON field's name: {@code date_of_birth}, {@code
 * customerEmail}, {@code first_name}, {@code api_key}. Names are compared with case, underscores,
 * hyphens and dots removed. A bare {@code name} is a person's name only when its table (or, in
 * JSON, its parent field) holds people: {@code customers.name} is, {@code products.name} is not.
 */
final class NameHints {

    private static final Set<String> PERSON_NAMES = Set.of(
            "firstname", "lastname", "fullname", "surname", "givenname", "familyname", "middlename", "maidenname",
            "customername", "contactname", "cardholder", "cardholdername", "holdername", "personname", "forename",
            "legalname", "patientname", "employeename");
    private static final Set<String> PEOPLE = Set.of(
            "customer", "customers", "user", "users", "person", "persons", "people", "employee", "employees",
            "contact", "contacts", "member", "members", "patient", "patients", "client", "clients", "student",
            "students", "staff", "author", "authors", "owner", "owners", "sender", "recipient", "recipients",
            "profile", "profiles", "applicant", "applicants", "guest", "guests", "passenger", "passengers");
    private static final Set<String> BIRTH_DATES = Set.of(
            "dob", "dateofbirth", "birthdate", "birthday", "birthdt", "bdate", "born", "borndate");
    private static final Set<String> EMAILS = Set.of("email", "mail", "emailaddress", "emailaddr", "mailaddress");
    private static final Set<String> PHONES = Set.of(
            "phone", "phonenumber", "phoneno", "mobile", "mobilenumber", "cell", "cellphone", "telephone", "tel",
            "fax", "msisdn", "whatsapp");
    private static final Set<String> CARDS = Set.of(
            "cardnumber", "cardno", "creditcard", "creditcardnumber", "ccnumber", "ccn", "pan", "debitcard",
            "paymentcard", "cardnum", "ccnum", "creditcardno", "primaryaccountnumber");
    /** Bank account identifiers, masked like an IBAN. */
    private static final Set<String> BANK_ACCOUNTS = Set.of("accountnumber", "accountno", "bankaccount",
            "bankaccountnumber", "bankaccountno", "routingnumber", "sortcode", "bic", "swift", "swiftcode");
    private static final Set<String> SSNS = Set.of(
            "ssn", "socialsecuritynumber", "socialsecurityno", "nationalid", "nationalidnumber", "nationalidentifier",
            "taxid", "tin", "nin", "nino", "passport", "passportnumber", "passportno", "driverslicense",
            "driverslicence", "driverlicense", "driverlicence", "driverslicensenumber", "dlnumber",
            "socialinsurancenumber", "nationalinsurancenumber", "personalnumber", "idcardnumber");
    private static final Set<String> IPS = Set.of(
            "ip", "ipaddress", "ipaddr", "clientip", "remoteip", "remoteaddr", "remoteaddress", "sourceip", "srcip",
            "destip", "dstip", "clientaddr", "clientaddress", "userip");
    private static final String[] SECRET_SUFFIXES = {
        "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "accesskey", "secretkey", "privatekey",
        "credentials", "credential", "cvv", "cvv2", "cvc", "cvc2", "securitycode", "pincode", "pinnumber", "otp",
        "sessionid", "sessionkey", "cookie", "authorization", "bearer", "accountkey", "sharedaccesskey",
        "subscriptionkey", "signingkey", "encryptionkey", "masterkey", "consumerkey", "clientkey", "hmackey",
        "secretkeybase", "passcode"};
    /**
     * Secret names too short to match as a suffix: {@code pass} and {@code dbPass}, but not {@code
     * bypass}; {@code auth} as Docker's config.json writes registry credentials.
     */
    private static final Set<String> SECRET_NAMES = Set.of(
            "pin", "cvn", "csc", "pass", "pw", "dbpass", "dbpw", "userpass", "adminpass", "rootpass", "smtppass",
            "mailpass", "ftppass", "auth");

    /**
     * Judgements already made. Names repeat (every record of a JSON document has the same fields,
     * every row the same columns), and judging one costs a normalised copy and a dozen set and
     * suffix look-ups. Bounded, since callers choose names: past the bound it starts afresh.
     */
    private static final int REMEMBERED = 4096;
    private static final Map<Name, Optional<EntityType>> JUDGED = new ConcurrentHashMap<>();

    private record Name(String container, String name) {
    }

    private NameHints() {
    }

    /** The entity a value under {@code name} holds, judging by the name alone, or {@code null}. */
    static EntityType entityFor(String container, String name) {
        if (name == null) {
            return null;
        }
        Name key = new Name(container, name);
        Optional<EntityType> known = JUDGED.get(key);
        if (known != null) {
            return known.orElse(null);
        }
        EntityType type = judge(container, name);
        if (JUDGED.size() >= REMEMBERED) {
            JUDGED.clear();
        }
        JUDGED.put(key, Optional.ofNullable(type));
        return type;
    }

    private static EntityType judge(String container, String name) {
        String n = normalise(name);
        EntityType type = entityForNormalised(container, n, true);
        if (type == null && n.length() > 3 && n.endsWith("s")) {
            // phones, emails; but not max_tokens or prompt_tokens, which count tokens
            type = entityForNormalised(container, n.substring(0, n.length() - 1), false);
        }
        return type;
    }

    private static EntityType entityForNormalised(String container, String n, boolean secrets) {
        if (n.isEmpty()) {
            return null;
        }
        if (EMAILS.contains(n) || n.endsWith("email") || n.endsWith("emailaddress")) {
            return EntityType.EMAIL;
        }
        if (PHONES.contains(n) || n.endsWith("phone") || n.endsWith("phonenumber") || n.endsWith("mobilenumber")) {
            return EntityType.PHONE;
        }
        if (CARDS.contains(n) || n.endsWith("cardnumber") || n.endsWith("cardno") || n.endsWith("cardnum")) {
            return EntityType.CARD;
        }
        if (n.equals("iban") || n.endsWith("iban") || BANK_ACCOUNTS.contains(n)) {
            return EntityType.IBAN;
        }
        if (SSNS.contains(n) || n.endsWith("ssn")) {
            return EntityType.SSN;
        }
        if (BIRTH_DATES.contains(n) || n.endsWith("dateofbirth") || n.endsWith("birthdate")) {
            return EntityType.DATE_OF_BIRTH;
        }
        if (PERSON_NAMES.contains(n) || (n.equals("name") && container != null && PEOPLE.contains(normalise(container)))) {
            return EntityType.PERSON_NAME;
        }
        if (IPS.contains(n) || n.endsWith("ipaddress")) {
            return EntityType.IP;
        }
        if (secrets && SECRET_NAMES.contains(n)) {
            return EntityType.SECRET;
        }
        for (String suffix : SECRET_SUFFIXES) {
            if (secrets && n.endsWith(suffix)) {
                return EntityType.SECRET;
            }
        }
        return null;
    }

    private static String normalise(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
