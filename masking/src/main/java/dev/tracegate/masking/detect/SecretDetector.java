package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Credentials: cloud and SaaS keys with a fixed shape (AWS {@code AKIA...}, Google {@code AIza...},
 * GitHub {@code ghp_...}, Slack {@code xoxb-...}, Stripe {@code sk_live_...}), JSON Web Tokens,
 * PEM private key blocks, and values assigned to a credential-like name ({@code password=...},
 * {@code "api_key": "..."}, {@code Authorization: Bearer ...}). Values after password-like names are
 * masked unless they are obvious placeholders; values after token-, secret- and key-like names only
 * when they look random (length, character classes and Shannon entropy), so that {@code token: expired}
 * stays readable.
 */
public final class SecretDetector implements Detector {

    private static final int MAX_NAME = 48;
    private static final int MAX_VALUE = 256;
    private static final int MAX_COOKIE = 4096;
    /** How far back from a {@code >} the {@code <} of its tag may be. */
    private static final int MAX_TAG = 160;
    private static final int MAX_PEM_LABEL = 80;
    /** How many words after an AWS access key id, and how far, its secret key is looked for. */
    private static final int AWS_SECRET_TOKENS = 4;
    private static final int AWS_SECRET_REACH = 96;
    /** How far back from a {@code .pgpass} line's fourth colon its host is looked for. */
    private static final int MAX_PGPASS_FIELDS = 256;
    /** Key material lines are this long at least (PEM writes 64); see {@link #pemPrivateKey}. */
    private static final int MIN_PEM_LINE = 16;
    /** A 16384-bit RSA key has about 200 lines of 64. */
    private static final int MAX_PEM_LINES = 400;
    /** .netrc's words that start a line of an entry written a token a line, and how far back one is looked for. */
    private static final String[] NETRC_WORDS = {"machine ", "login ", "default", "account "};
    private static final int NETRC_LINES_BEFORE = 3;
    /** Headers a key block may carry before its base64: RFC 1421 (legacy encrypted PEM) and OpenPGP armor. */
    private static final String[] PEM_HEADERS = {
        "Proc-Type:", "DEK-Info:", "Version:", "Comment:", "Hash:", "Charset:", "MessageID:", "Subject:"};

    private static final Set<String> AWS_PREFIXES = Set.of(
            "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA", "APKA", "ASCA");
    private static final String[] GITHUB_PREFIXES = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
    private static final String[] STRIPE_PREFIXES = {"sk_live_", "rk_live_", "sk_test_", "rk_test_"};
    private static final String[] PASSWORD_NAMES = {"password", "passwd", "pwd", "passphrase"};
    private static final String[] TOKEN_NAMES = {
        "secret", "token", "apikey", "accesskey", "secretkey", "privatekey", "signingkey", "encryptionkey",
        "masterkey", "authkey", "credential", "credentials", "auth", "authorization", "sessionid", "sessiontoken",
        // Azure storage and Service Bus connection strings, API Management, OAuth 1 consumers, Rails
        "accountkey", "sharedaccesskey", "sharedkey", "subscriptionkey", "consumerkey", "clientkey", "hmackey",
        "secretkeybase", "passcode"};
    /** Names that are a credential only as a whole: {@code sig=} of an Azure SAS URL, not {@code config=}. */
    private static final Set<String> WHOLE_TOKEN_NAMES = Set.of("sig", "signature", "xamzsignature", "xgoogsignature");
    private static final Set<String> PLACEHOLDERS = Set.of(
            "null", "none", "nil", "true", "false", "undefined", "redacted", "[redacted]", "<redacted>", "hidden",
            "required", "optional", "string", "empty", "masked", "[secret]", "[password]", "n/a", "tbd");

    /** The last letters of every credential name above: a name ending otherwise is read no further. */
    private static final boolean[] NAME_LAST_CHARS = new boolean[128];

    static {
        for (String[] names : new String[][] {PASSWORD_NAMES, TOKEN_NAMES,
                {"pass", "pw", "cookie", "setcookie", "sig", "signature", "xamzsignature", "xgoogsignature"}}) {
            for (String name : names) {
                NAME_LAST_CHARS[name.charAt(name.length() - 1)] = true;
            }
        }
    }

    /** What a name says of the value assigned to it; a cookie header's whole line is credentials. */
    enum NameKind { NONE, PASSWORD, TOKEN, COOKIE }

    /** Characters that can start something this detector knows; everything else is skipped with one load. */
    private static final boolean[] FIRST_CHARS = new boolean[128];

    static {
        for (char c : "=:Aesrgx->'\"Bb~$M".toCharArray()) {
            FIRST_CHARS[c] = true;
        }
    }

    @Override
    public EntityType type() {
        return EntityType.SECRET;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        List<Match> told = new ArrayList<>(0);
        SpokenCredentials.find(text, told);
        List<Match> scanned = told.isEmpty() ? out : new ArrayList<>();
        if (KubernetesSecrets.declaresSecret(text)) {
            List<Match> values = new ArrayList<>();
            KubernetesSecrets.find(text, values);
            List<Match> others = new ArrayList<>();
            scan(text, others);
            merge(values, others, scanned);
        } else {
            scan(text, scanned);
        }
        if (!told.isEmpty()) {
            merge(told, scanned, out);
        }
    }

    /** Two lists of finds, each in order, as one in order without overlaps (overlapping finds become one). */
    private static void merge(List<Match> a, List<Match> b, List<Match> out) {
        List<Match> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(java.util.Comparator.comparingInt(Match::start));
        for (Match match : all) {
            Match last = out.isEmpty() ? null : out.getLast();
            if (last != null && match.start() < last.end()) {
                out.set(out.size() - 1, new Match(last.start(), Math.max(last.end(), match.end()), EntityType.SECRET));
            } else {
                out.add(match);
            }
        }
    }

    private static void scan(CharSequence text, List<Match> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c >= 128) {
                i++;
                continue;
            }
            // Keys of a fixed shape start a token: the rest of a token is skipped at once (but for a
            // "--" inside it, where a key block's header may be glued to what precedes it).
            boolean tokenStart = isTokenChar(c) && (i == 0 || !isTokenChar(text.charAt(i - 1)));
            if (!FIRST_CHARS[c] || !isTrigger(text, i, c)) {
                long vendor = tokenStart && VendorTokens.mayStartWith(c) ? VendorTokens.at(text, i) : -1;
                if (vendor >= 0) {
                    out.add(new Match((int) (vendor >>> 32), (int) vendor, EntityType.SECRET));
                    i = (int) vendor;
                } else {
                    i = tokenStart ? skipToken(text, i, out) : i + 1;
                }
                continue;
            }
            int end = -1;
            int start = i;
            switch (c) {
                case 'A' -> {
                    int keyId = awsAccessKey(text, i);
                    long secretKey = keyId < 0 ? -1 : awsSecretKeyAfter(text, keyId);
                    if (secretKey >= 0) {
                        out.add(new Match(i, keyId, EntityType.SECRET));
                        start = (int) (secretKey >>> 32);
                        end = (int) secretKey;
                    } else {
                        end = Math.max(keyId, prefixed(text, i, "AIza", 35, 35, true));
                    }
                }
                case 'g' -> end = i + 1 < n && (text.charAt(i + 1) == 'h' || text.charAt(i + 1) == 'i') ? githubToken(text, i) : -1;
                case 'x' -> end = slackToken(text, i);
                case 's', 'r' -> end = i + 1 < n && text.charAt(i + 1) == 'k' ? stripeKey(text, i) : -1;
                case 'e' -> {
                    end = jwt(text, i);
                    end = end < 0 ? jwtInColumns(text, i) : end;
                }
                case 'M' -> end = keyBodyWithoutHeader(text, i);
                case 'B', 'b' -> {
                    int body = c == 'b' ? keyBodyWithoutHeader(text, i) : -1;
                    long span = body > 0 ? ((long) i << 32) | body : bearerToken(text, i);
                    start = span < 0 ? i : (int) (span >>> 32);
                    end = (int) span;
                }
                case '$' -> end = passwordHash(text, i);
                case '~' -> {
                    start = azureClientSecretStart(text, i, out);
                    end = start < 0 ? -1 : azureClientSecretEnd(text, i);
                    start = end < 0 ? i : start;
                }
                case '-' -> {
                    end = pemPrivateKey(text, i);
                    if (end < 0) {
                        long span = CommandLineCredentials.at(text, i);
                        start = span < 0 ? i : (int) (span >>> 32);
                        end = (int) span;
                    }
                }
                case '=', ':', '>', '\'', '"' -> {
                    long span = switch (c) {
                        case ':' -> valueAfterColon(text, i);
                        case '=' -> assignedValue(text, i);
                        case '>' -> elementValue(text, i);
                        default -> sqlPasswordLiteral(text, i);
                    };
                    if (span < 0) {
                        i = (int) -span;
                        continue;
                    }
                    start = (int) (span >>> 32);
                    end = (int) span;
                }
                default -> {
                }
            }
            if (end <= start && tokenStart && VendorTokens.mayStartWith(c)) {
                long span = VendorTokens.at(text, i);
                start = span < 0 ? i : (int) (span >>> 32);
                end = (int) span;
            }
            if (end > start) {
                end = Math.max(end, Math.max(jwtEndWithin(text, start, end), pemEndWithin(text, start, end)));
                out.add(new Match(start, end, EntityType.SECRET));
                i = end;
            } else {
                i = tokenStart ? skipToken(text, i, out) : i + 1;
            }
        }
    }

    /**
     * Past the token that starts at {@code start}, stopping at a {@code --}; a token that may name a
     * credential (an identifier with {@code _}, or {@code password}) and is followed by a space is
     * read as {@link #spacedAssignment}, whose find is added. Returns where the scan resumes.
     */
    private static int skipToken(CharSequence text, int start, List<Match> out) {
        int k = start + 1;
        int n = text.length();
        boolean underscore = false;
        while (k < n) {
            char c = text.charAt(k);
            if (!isTokenChar(c) || (c == '-' && k + 1 < n && text.charAt(k + 1) == '-')) {
                break;
            }
            underscore |= c == '_';
            k++;
        }
        if (k + 1 < n && text.charAt(k) == ' ' && (underscore || mayNameCredential(text, start, k))) {
            long span = spacedAssignment(text, k);
            if (span >= 0) {
                out.add(new Match((int) (span >>> 32), (int) span, EntityType.SECRET));
                return (int) span;
            }
        }
        return k;
    }

    /**
     * Whether a token of 6 or 8 characters with no {@code _} after its first, from {@code start} to
     * {@code end}, may be what {@link #spacedAssignment} reads as a credential's name, checked before
     * it walks the name: {@code password} or {@code passwd} (a name that ends in {@code d}), an
     * identifier ({@code _token}), or the last part of a dotted name that holds one ({@code
     * app_config.secret}). A token no {@code .} precedes is that whole name; most words of six or
     * eight letters in prose end here.
     */
    private static boolean mayNameCredential(CharSequence text, int start, int end) {
        int length = end - start;
        return (length == 8 || length == 6) && ((text.charAt(end - 1) | 0x20) == 'd' || text.charAt(start) == '_'
                || (start > 0 && text.charAt(start - 1) == '.'));
    }

    /**
     * The first one or two characters of something this detector knows, checked before any method
     * call: most letters of a text fail here.
     */
    private static boolean isTrigger(CharSequence text, int i, char c) {
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        return switch (c) {
            case '=', ':', '>', '\'', '"' -> true;
            case 'A' -> next == 'K' || next == 'S' || next == 'B' || next == 'C' || next == 'G' || next == 'I'
                    || next == 'N' || next == 'R' || next == 'P';
            case 'e' -> next == 'y';
            case 's', 'r' -> next == 'k';
            case 'g' -> next == 'h' || next == 'i';
            case 'x' -> next == 'o';
            case '-' -> next == '-' || (Chars.isAsciiLetter(next) && (i == 0 || !isTokenChar(text.charAt(i - 1))));
            case 'B', 'b' -> (next == 'e' || next == 'E' || (c == 'b' && next == '3')) && tokenMayStartAt(text, i);
            case 'M' -> next >= 'A' && next <= 'P' && tokenMayStartAt(text, i);
            case '~' -> i >= 5 && text.charAt(i - 1) == 'Q' && Chars.isDigit(text.charAt(i - 2));
            case '$' -> next == '1' || next == '2' || next == '5' || next == '6' || next == '7' || next == 'y' || next == 'a';
            default -> false;
        };
    }

    /**
     * Whether the token {@code text[start, end)}, the last of a value, may be the first part of a credential that
     * the next value completes: it starts as a key of a fixed shape or a vendor's key starts, or it
     * assigns a value ({@code password=}, {@code "token":}). A row's cells are joined only then
     * ({@code SplitAcrossCells}), so most cells cost this look at two characters.
     */
    public static boolean mayStartCredential(CharSequence text, int start, int end) {
        if (start >= end) {
            return false;
        }
        char c = text.charAt(start);
        if (c < 128 && ((FIRST_CHARS[c] && isTrigger(text, start, c)) || VendorTokens.prefixStartsAt(text, start))) {
            return true;
        }
        for (int k = start + 1; k < end; k++) {
            char d = text.charAt(k);
            char before = text.charAt(k - 1);
            if ((d == '=' || d == ':') && (Chars.isAsciiLetter(before) || before == '_' || before == '"' || before == '\'')) {
                return true; // a name's assignment; a time's 12:30 is none
            }
        }
        return false;
    }

    static boolean isTokenChar(char c) {
        return Chars.isAsciiAlnum(c) || c == '_' || c == '-';
    }

    static boolean tokenMayStartAt(CharSequence text, int i) {
        return i == 0 || !isTokenChar(text.charAt(i - 1));
    }

    static boolean tokenMayEndAt(CharSequence text, int i) {
        return i >= text.length() || !isTokenChar(text.charAt(i));
    }

    static boolean startsWith(CharSequence text, int i, String prefix) {
        if (i + prefix.length() > text.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (text.charAt(i + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** AWS access key ids: a four-letter prefix such as {@code AKIA}, then 16 upper-case letters and digits. */
    private static int awsAccessKey(CharSequence text, int i) {
        int end = i + 20;
        if (end > text.length() || text.charAt(i + 3) != 'A' || !tokenMayStartAt(text, i)
                || !AWS_PREFIXES.contains(text.subSequence(i, i + 4).toString()) || !tokenMayEndAt(text, end)) {
            return -1;
        }
        for (int k = i + 4; k < end; k++) {
            char c = text.charAt(k);
            if (!Chars.isDigit(c) && (c < 'A' || c > 'Z')) {
                return -1;
            }
        }
        return end;
    }

    /**
     * The secret access key written after its key id without a name, packed like {@link
     * #assignedValue}, or -1: one of the next {@value #AWS_SECRET_TOKENS} words of the line, within
     * {@value #AWS_SECRET_REACH} characters, of exactly 40 characters of Base64's alphabet mixing
     * cases and a digit or a {@code /} or {@code +}. AWS hands a key out so: the console's
     * {@code credentials.csv} ({@code Access key ID,Secret access key}, then {@code AKIA...,wJalr...}),
     * {@code aws iam create-access-key --output text} (the id, the date, the secret), a pair pasted
     * {@code id:secret}. The id alone was masked and the secret, which no name introduced, reached
     * masked callers in clear.
     */
    private static long awsSecretKeyAfter(CharSequence text, int keyIdEnd) {
        int n = text.length();
        int limit = Math.min(n, keyIdEnd + AWS_SECRET_REACH);
        int p = keyIdEnd;
        for (int word = 0; word < AWS_SECRET_TOKENS; word++) {
            while (p < limit && isAwsSecretSeparator(text.charAt(p))) {
                p++;
            }
            int wordEnd = p;
            while (wordEnd < n && !isAwsSecretSeparator(text.charAt(wordEnd)) && text.charAt(wordEnd) != '\n'
                    && text.charAt(wordEnd) != '\r') {
                wordEnd++;
            }
            if (p >= limit || wordEnd == p) {
                return -1;
            }
            if (wordEnd - p == 40 && isAwsSecretKey(text, p, wordEnd)) {
                return ((long) p << 32) | wordEnd;
            }
            p = wordEnd;
        }
        return -1;
    }

    /** What separates the words of one line of a CSV file, a table, a JSON object or a pair. */
    private static boolean isAwsSecretSeparator(char c) {
        return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '|' || c == ':' || c == '"' || c == '\'' || c == '=';
    }

    private static boolean isAwsSecretKey(CharSequence text, int start, int end) {
        boolean lower = false;
        boolean upper = false;
        boolean other = false;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (!Chars.isAsciiAlnum(c) && c != '/' && c != '+') {
                return false;
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
            other |= !Chars.isAsciiLetter(c);
        }
        return lower && upper && other;
    }

    /** {@code prefix} followed by {@code min..max} characters of {@code [A-Za-z0-9_-]} (or alphanumerics only). */
    private static int prefixed(CharSequence text, int i, String prefix, int min, int max, boolean dashes) {
        if (!startsWith(text, i, prefix) || !tokenMayStartAt(text, i)) {
            return -1;
        }
        int end = i + prefix.length();
        while (end < text.length() && end - i - prefix.length() < max
                && (Chars.isAsciiAlnum(text.charAt(end)) || (dashes && (text.charAt(end) == '_' || text.charAt(end) == '-')))) {
            end++;
        }
        return end - i - prefix.length() >= min && tokenMayEndAt(text, end) ? end : -1;
    }

    private static int githubToken(CharSequence text, int i) {
        for (String prefix : GITHUB_PREFIXES) {
            int end = prefixed(text, i, prefix, 36, 251, false);
            if (end > 0) {
                return end;
            }
        }
        return prefixed(text, i, "github_pat_", 22, 255, true);
    }

    private static int slackToken(CharSequence text, int i) {
        if (!startsWith(text, i, "xox") || i + 4 >= text.length() || "abposr".indexOf(text.charAt(i + 3)) < 0
                || text.charAt(i + 4) != '-') {
            return -1;
        }
        int end = i + 5;
        while (end < text.length() && end - i < 255 && (Chars.isAsciiAlnum(text.charAt(end)) || text.charAt(end) == '-')) {
            end++;
        }
        return end - i - 5 >= 10 && tokenMayStartAt(text, i) && tokenMayEndAt(text, end) ? end : -1;
    }

    private static int stripeKey(CharSequence text, int i) {
        for (String prefix : STRIPE_PREFIXES) {
            int end = prefixed(text, i, prefix, 16, 247, false);
            if (end > 0) {
                return end;
            }
        }
        return -1;
    }

    /**
     * {@code eyJ<header>.eyJ<payload>.<signature>}: both JSON parts start with the base64 of <code>{"</code>.
     * A token wrapped where a tool breaks a long line ({@code fold}, a mail body at 76, PEM-like
     * 64) is read through its line breaks: read line by line, no line held the shape, and the
     * token reached masked callers in clear.
     */
    private static int jwt(CharSequence text, int i) {
        if (!startsWith(text, i, "eyJ") || !tokenMayStartAt(text, i)) {
            return -1;
        }
        WrappedLines lines = new WrappedLines(i);
        int headerEnd = lines.after(text, lines.runEnd(text, i + 3));
        if (headerEnd - i < 10 || headerEnd >= text.length() || text.charAt(headerEnd) != '.') {
            return -1;
        }
        int payloadStart = lines.after(text, headerEnd + 1);
        if (!startsWith(text, payloadStart, "ey")) {
            return -1;
        }
        int payloadEnd = lines.after(text, lines.runEnd(text, payloadStart + 2));
        if (payloadEnd - headerEnd < 10 || payloadEnd >= text.length() || text.charAt(payloadEnd) != '.') {
            return -1;
        }
        int signatureStart = lines.after(text, payloadEnd + 1);
        int signatureEnd = lines.signatureEnd(text, signatureStart);
        return tokenMayEndAt(text, signatureEnd) ? signatureEnd : -1;
    }

    /** The shortest first line read as a key's body without its header: a PEM line is 64 characters, an OpenSSH one 70. */
    private static final int MIN_BODY_LINE = 40;

    /**
     * A private key's body without its header (a key whose armor a statement cut off, {@code
     * regexp_replace(key, '-----[A-Z ]+-----', '', 'g')}; its lines printed one a row after {@code OFFSET
     * 1} on a terminal; a file's body posted alone): a Base64 run of 40 characters or more at a
     * token's start whose first bytes are a private key's ({@link PrivateKeyBody}), with the lines
     * after it that are Base64 of at least 16 characters (or a last one ending in {@code =}), through
     * the END line when one follows. Before 2026-12-06 such a body was no find.
     */
    private static int keyBodyWithoutHeader(CharSequence text, int i) {
        int end = base64End(text, i);
        if (end - i < MIN_BODY_LINE || PrivateKeyBody.at(text, i) != PrivateKeyBody.Start.PRIVATE_KEY) {
            return -1;
        }
        while (true) {
            int next = skipPemSeparators(text, end);
            if (next == end || next >= text.length()) {
                return end;
            }
            if (startsWith(text, next, "-----END ")) {
                int close = indexOf(text, "-----", next + 9, Math.min(text.length(), next + 9 + 64));
                return close < 0 ? end : close + 5;
            }
            int lineEnd = base64End(text, next);
            boolean line = lineEnd - next >= MIN_PEM_LINE || (lineEnd > next && text.charAt(lineEnd - 1) == '=');
            if (!line || !tokenMayEndAt(text, lineEnd)) {
                return end;
            }
            end = lineEnd;
        }
    }

    private static int base64End(CharSequence text, int from) {
        int end = from;
        while (end < text.length() && isBase64(text.charAt(end))) {
            end++;
        }
        return end;
    }

    /**
     * A JWT whose parts stand in columns of their own, as a client prints a row whose columns split
     * one (psql's {@code  | }, a tab from {@code mariadb -B}, a CSV's comma, a semicolon): {@code
     * eyJ<header> | eyJ<payload> | <signature>}, or {@code eyJ<payload> | <signature>} with the
     * header's column left out (a signature of 43 base64url characters or more, with upper case,
     * lower case and digits). The gateway's row masker reads such cells together
     * ({@code SplitAcrossCells}); a row printed as one line of text reaches the detectors so, and
     * before 2026-12-06 it was no token.
     */
    private static int jwtInColumns(CharSequence text, int i) {
        if (!startsWith(text, i, "eyJ") || !tokenMayStartAt(text, i)) {
            return -1;
        }
        int firstEnd = base64UrlEnd(text, i + 3);
        int next = firstEnd - i < 10 ? -1 : afterColumnSeparator(text, firstEnd);
        if (next < 0) {
            return -1;
        }
        int end;
        if (startsWith(text, next, "eyJ")) {
            int payloadEnd = base64UrlEnd(text, next + 3);
            int signature = payloadEnd - next < 10 ? -1 : afterColumnSeparator(text, payloadEnd);
            end = signature < 0 ? -1 : base64UrlEnd(text, signature);
            end = end - signature >= MIN_COLUMN_SIGNATURE ? end : -1;
        } else {
            end = base64UrlEnd(text, next);
            end = end - next >= MIN_LONE_SIGNATURE && VendorTokens.classes(text, next, end) == 3 ? end : -1;
        }
        return end > 0 && tokenMayEndAt(text, end) ? end : -1;
    }

    /** The shortest signature read after a header's and a payload's columns. */
    private static final int MIN_COLUMN_SIGNATURE = 16;
    /** The shortest signature read after a payload's column alone: HS256's 32 bytes in base64url. */
    private static final int MIN_LONE_SIGNATURE = 43;

    /** Where the next column starts after a column separator at {@code from} (spaces, one of {@code | tab , ;}, spaces), or -1. */
    private static int afterColumnSeparator(CharSequence text, int from) {
        int k = from;
        while (k < text.length() && text.charAt(k) == ' ') {
            k++;
        }
        if (k >= text.length() || "|\t,;".indexOf(text.charAt(k)) < 0) {
            return -1;
        }
        k++;
        while (k < text.length() && text.charAt(k) == ' ') {
            k++;
        }
        return k;
    }

    /**
     * Where a JWT that starts inside the find {@code [start, end)} ends, or -1: a header's value
     * ({@code Authorization: Bearer eyJ...}) is read to its line's end, and a JWT wrapped there
     * goes on past it.
     */
    private static int jwtEndWithin(CharSequence text, int start, int end) {
        for (int k = start; k + 3 <= end; k++) {
            if (text.charAt(k) == 'e' && startsWith(text, k, "eyJ") && tokenMayStartAt(text, k)) {
                return jwt(text, k);
            }
        }
        return -1;
    }

    /**
     * Where a private key block whose header starts inside the find {@code [start, end)} ends, or -1.
     * A key assigned to a credential name ({@code "private_key": "-----BEGIN ...}, a service
     * account's key file, {@code SSH_KEY=-----BEGIN ...}) is that name's value, read to its line's
     * end or {@value #MAX_VALUE} characters: the scan resumed there, past the header, and the rest
     * of the key reached masked callers in clear.
     */
    private static int pemEndWithin(CharSequence text, int start, int end) {
        for (int k = start; k + 11 <= end; k++) {
            if (text.charAt(k) == '-' && startsWith(text, k, "-----BEGIN ")) {
                return pemPrivateKey(text, k);
            }
        }
        return -1;
    }

    /**
     * The lines of one token wrapped where a tool breaks a long line: the first at least {@value
     * #MIN_WRAPPED_LINE} characters long, its last {@value #MIN_WRAPPED_LINE} without a space (what
     * comes before the token, a header's name, shares it), each further one as long as the first; the
     * token's last line is shorter, or ends it. Read through at most {@value #MAX_WRAPPED_TOKEN}
     * characters from the token's start, so that a text of such lines costs linear time however many
     * candidates start in it.
     */
    private static final class WrappedLines {

        /** The shortest line taken as wrapped by a tool (they wrap at 64 or 76; prose breaks anywhere). */
        private static final int MIN_WRAPPED_LINE = 40;
        /** Longer than the JWTs identity providers issue (a few hundred characters to 2 or 3 KB). */
        private static final int MAX_WRAPPED_TOKEN = 4096;

        /** The widths {@code base64} and MIME (76), PEM (64) and {@code fold} (80) wrap lines at. */
        private static final Set<Integer> TOOL_WIDTHS = Set.of(64, 76, 80);
        /** A signature's length in base64url: HMAC-SHA-256/384/512, ECDSA P-256/384/521 and Ed25519, RSA of 2,048, 3,072 and 4,096 bits. */
        private static final Set<Integer> SIGNATURE_LENGTHS = Set.of(43, 64, 86, 128, 176, 342, 512, 683);

        private final int limit;
        private int width = -1;
        private int signatureStart = -1;
        private int lineStart = -1; // where the last line read through starts, after its predecessor's break

        WrappedLines(int tokenStart) {
            this.limit = tokenStart + MAX_WRAPPED_TOKEN;
        }

        /**
         * Where the signature that starts at {@code from} ends. Nothing after it shows that a line
         * break inside it is the token's, as the dots after its header and payload do: unless a break
         * was read through before, the first is read through only after a line of a width tools wrap
         * at and a signature of no length a JWT's has, so the line after a token that ends one (a
         * header's next line) is not taken with it.
         */
        int signatureEnd(CharSequence text, int from) {
            signatureStart = from;
            return runEnd(text, from);
        }

        /** Where a base64url run from {@code from} ends, read through the line breaks of the wrapped lines. */
        int runEnd(CharSequence text, int from) {
            int end = base64UrlEnd(text, from);
            for (int next = after(text, end); next > end && next < text.length() && isBase64Url(text.charAt(next));
                    next = after(text, end)) {
                end = base64UrlEnd(text, next);
            }
            return end;
        }

        /** Past the line break at {@code i} when it ends one of the wrapped lines, else {@code i}. */
        int after(CharSequence text, int i) {
            int next = i < text.length() && text.charAt(i) == '\r' ? i + 1 : i;
            if (i > limit || next >= text.length() || text.charAt(next) != '\n') {
                return i;
            }
            if (next + 1 == lineStart) {
                return lineStart; // read through already (a run's end is asked twice)
            }
            if (width < 0) {
                for (int k = i - 1; k >= i - MIN_WRAPPED_LINE; k--) {
                    if (k < 0 || Character.isWhitespace(text.charAt(k))) {
                        return i;
                    }
                }
                width = firstLineLength(text, i);
                if (signatureStart >= 0 && (!TOOL_WIDTHS.contains(width) || SIGNATURE_LENGTHS.contains(i - signatureStart))) {
                    width = -1;
                    return i;
                }
            } else if (i - lineStart != width) {
                return i;
            }
            lineStart = next + 1;
            return lineStart;
        }

        /** The length of the line that ends at {@code i}, looked back at most 256 characters. */
        private static int firstLineLength(CharSequence text, int i) {
            int start = i;
            while (start > 0 && i - start < 256 && text.charAt(start - 1) != '\n') {
                start--;
            }
            return i - start;
        }
    }

    private static boolean isBase64Url(char c) {
        return Chars.isAsciiAlnum(c) || c == '_' || c == '-';
    }

    private static int base64UrlEnd(CharSequence text, int from) {
        int end = from;
        while (end < text.length() && (Chars.isAsciiAlnum(text.charAt(end)) || text.charAt(end) == '_'
                || text.charAt(end) == '-')) {
            end++;
        }
        return end;
    }

    /**
     * A PEM private key block: the {@code -----BEGIN ... PRIVATE KEY-----} line, optional RFC 1421
     * headers ({@code Proc-Type:}, {@code DEK-Info:}), lines of base64 and the END line. Lines may be
     * separated by line breaks, spaces or the two-character escapes {@code \n} and {@code \r} (a key
     * pasted into a JSON or SQL string).
     *
     * <p>The span covers only what has the shape of key material, because a block is also a text an
     * attacker can write: {@code -- -----BEGIN PRIVATE KEY-----} followed by SQL must not take the
     * SQL with it. With an END line, every base64 line but the last must have at least
     * {@value #MIN_PEM_LINE} characters (a lone line too); without one (a truncated key), the span
     * covers the header and the following lines of one common length of at least
     * {@value #MIN_PEM_LINE} (PEM writes 64), plus a shorter final line of at least that length
     * when nothing follows it. No SQL statement fits in such lines: none starts with a keyword of
     * 16 letters, and base64 has no space, quote, semicolon, parenthesis or comment mark. Anything
     * else ends the block, and the header alone is masked.
     */
    private static int pemPrivateKey(CharSequence text, int i) {
        // SSH2's form (RFC 4716, ssh.com's ssh-keygen2 and Tectia key files: "---- BEGIN SSH2
        // ENCRYPTED PRIVATE KEY ----") fences its label with four dashes and a space; its markers are
        // as long as PEM's.
        boolean ssh2 = startsWith(text, i, "---- BEGIN ");
        if (!ssh2 && !startsWith(text, i, "-----BEGIN ")) {
            return -1;
        }
        String fence = ssh2 ? " ----" : "-----";
        String endMarker = ssh2 ? "---- END " : "-----END ";
        int labelEnd = indexOf(text, fence, i + 11, i + 11 + MAX_PEM_LABEL);
        String label = labelEnd < 0 ? "" : text.subSequence(i + 11, labelEnd).toString();
        if (!label.endsWith("PRIVATE KEY") && !label.endsWith("PRIVATE KEY BLOCK")) {
            return -1;
        }
        int headerEnd = labelEnd + 5;
        List<int[]> lines = new ArrayList<>();
        int p = psqlColumnsAfter(text, headerEnd);
        int rowColumn = columnsBefore(text, i);
        while (lines.size() < MAX_PEM_LINES) {
            int next = pastColumnsBefore(text, p, skipPemSeparators(text, p), rowColumn);
            // Lines are separated from what comes before them, unless the key's line breaks were
            // stripped (-----BEGIN PRIVATE KEY-----MIIE...-----END PRIVATE KEY-----); something must follow.
            boolean glued = next == p && p < text.length() && (startsWith(text, p, endMarker)
                    ? !lines.isEmpty() : lines.isEmpty() && isBase64(text.charAt(p)));
            if ((next == p && !glued) || next >= text.length()) {
                break;
            }
            p = lines.isEmpty() ? skipPemHeaders(text, next) : next;
            if (startsWith(text, p, endMarker)) {
                int endLabelEnd = indexOf(text, fence, p + 9, p + 9 + MAX_PEM_LABEL);
                if (endLabelEnd >= 0 && linesBeforeEndAreKeyShaped(lines)) {
                    return endLabelEnd + 5;
                }
                break;
            }
            int lineEnd = p;
            while (lineEnd < text.length() && isBase64(text.charAt(lineEnd))) {
                lineEnd++;
            }
            if (lineEnd == p || (lineEnd < text.length() && !isPemSeparator(text, lineEnd)
                    && !startsWith(text, lineEnd, endMarker))) {
                break;
            }
            lines.add(new int[] {p, lineEnd});
            p = lineEnd;
        }
        return truncatedBlockEnd(text, headerEnd, lines);
    }

    /**
     * Past the other columns psql prints on a key's first line when the key's column is not the
     * last ({@code -----BEGIN ...-----   +| 2024-12-06 10:00:00+00}): the mark of a line that goes
     * on, then plain text to the line's end; or {@code headerEnd} when there is none. Text with a
     * quote, a semicolon or a backslash is not skipped, so a statement written after a fake header
     * ({@code '...-----BEGIN PRIVATE KEY----- +|'; DROP TABLE ...}) is never part of a key.
     */
    private static int psqlColumnsAfter(CharSequence text, int headerEnd) {
        int p = headerEnd;
        while (p < text.length() && text.charAt(p) == ' ') {
            p++;
        }
        if (!startsWith(text, p, "+|") && !startsWith(text, p, "\u21b5\u2502")) {
            return headerEnd;
        }
        for (int k = p + 2; k < text.length() && k - p <= MAX_VALUE; k++) {
            char c = text.charAt(k);
            if (c == '\n' || c == '\r') {
                return k;
            }
            if (c == '\'' || c == '"' || c == ';' || c == '\\' || c < ' ') {
                return headerEnd;
            }
        }
        return headerEnd;
    }

    /**
     * Where a key's header stands on its line when a table's other columns come before it (psql's
     * aligned {@code  0 | -----BEGIN ...}, a MySQL client's {@code | 0 | -----BEGIN ...}): the key one
     * line a row, each row's line after the same columns, which the table aligns. -1 when nothing but
     * white space, or no column rule right before the header, is before it on its line.
     */
    private static int columnsBefore(CharSequence text, int header) {
        int lineStart = header;
        while (lineStart > 0 && header - lineStart < MAX_VALUE && text.charAt(lineStart - 1) != '\n') {
            lineStart--;
        }
        int column = header - lineStart;
        boolean rule = column >= 2 && text.charAt(header - 1) == ' '
                && (text.charAt(header - 2) == '|' || text.charAt(header - 2) == '\u2502');
        return rule && (lineStart == 0 || text.charAt(lineStart - 1) == '\n') ? column : -1;
    }

    /**
     * Past the columns a table prints before each row's line of a key ({@link #columnsBefore}):
     * {@code next} when {@code column} is -1 or the line that starts between {@code p} and {@code next}
     * has no column rule where the header's line has one.
     */
    private static int pastColumnsBefore(CharSequence text, int p, int next, int column) {
        if (column < 0) {
            return next;
        }
        int lineStart = -1;
        for (int k = next - 1; k >= p; k--) {
            if (text.charAt(k) == '\n') {
                lineStart = k + 1;
                break;
            }
        }
        int keyStart = lineStart + column;
        if (lineStart < 0 || keyStart > text.length() || next > keyStart || indexOf(text, "\n", lineStart, keyStart) >= 0) {
            return next;
        }
        char rule = text.charAt(keyStart - 2);
        return (rule == '|' || rule == '\u2502') && text.charAt(keyStart - 1) == ' ' ? keyStart : next;
    }

    private static boolean linesBeforeEndAreKeyShaped(List<int[]> lines) {
        for (int k = 0; k < lines.size(); k++) {
            boolean last = k == lines.size() - 1 && k > 0;
            if (!last && lines.get(k)[1] - lines.get(k)[0] < MIN_PEM_LINE) {
                return false;
            }
        }
        return true;
    }

    /** Header and full lines of one length; a shorter final line only when the text ends after it. */
    private static int truncatedBlockEnd(CharSequence text, int headerEnd, List<int[]> lines) {
        int end = headerEnd;
        int width = lines.isEmpty() ? 0 : lines.getFirst()[1] - lines.getFirst()[0];
        for (int[] line : lines) {
            int length = line[1] - line[0];
            if (length == width && width >= MIN_PEM_LINE) {
                end = line[1];
                continue;
            }
            if (length >= MIN_PEM_LINE && length < width && skipPemSeparators(text, line[1]) == text.length()) {
                end = line[1];
            }
            break;
        }
        return end;
    }

    /**
     * RFC 1421 headers of a legacy encrypted key ({@code Proc-Type: 4,ENCRYPTED}, {@code DEK-Info:
     * AES-128-CBC,...}) and OpenPGP armor headers ({@code Version: GnuPG v2}, {@code Comment: ...}).
     */
    private static int skipPemHeaders(CharSequence text, int p) {
        while (true) {
            String header = pemHeaderAt(text, p);
            if (header == null) {
                return p;
            }
            int q = p + header.length();
            while (q < text.length() && isPemHeaderValueChar(text.charAt(q))) {
                q++;
            }
            int next = skipPemSeparators(text, q);
            if (next == q) {
                return p;
            }
            p = next;
        }
    }

    private static String pemHeaderAt(CharSequence text, int p) {
        for (String header : PEM_HEADERS) {
            if (startsWith(text, p, header)) {
                return header;
            }
        }
        return null;
    }

    private static boolean isPemHeaderValueChar(char c) {
        return Chars.isAsciiAlnum(c) || c == ',' || c == '-' || c == ' ' || c == '.' || c == '/' || c == ':'
                || c == '(' || c == ')' || c == '"';
    }

    /** Past the separators between the lines of a key at {@code p} (see {@link #pemSeparatorLength}). */
    static int skipKeyLineSeparators(CharSequence text, int p) {
        return skipPemSeparators(text, p);
    }

    private static int skipPemSeparators(CharSequence text, int p) {
        for (int length = pemSeparatorLength(text, p); length > 0; length = pemSeparatorLength(text, p)) {
            p += length;
        }
        return p;
    }

    private static boolean isPemSeparator(CharSequence text, int p) {
        return pemSeparatorLength(text, p) > 0;
    }

    /**
     * The length of the separator between a key's lines at {@code p}, or 0: a line break, a space, a
     * comma or a semicolon (the lines joined by {@code string_agg} or as a CSV row's fields), or
     * an escaped line break, {@code \n} in a string, {@code \\n} in a string of a string (a key
     * file's JSON kept as a string value: Terraform state, a JSON log line, a secret's JSON); or the
     * frame a tool prints around each line of a value ({@link #isLineFrame}).
     */
    private static int pemSeparatorLength(CharSequence text, int p) {
        if (p >= text.length()) {
            return 0;
        }
        char c = text.charAt(p);
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == ',' || c == ';' || isLineFrame(text, p)) {
            return 1; // a comma or a semicolon: the lines aggregated (string_agg(line, ',')) or a CSV row of them
        }
        int q = p;
        while (q < text.length() && text.charAt(q) == '\\' && q - p < 8) {
            q++;
        }
        return q > p && q < text.length() && (text.charAt(q) == 'n' || text.charAt(q) == 'r') ? q + 1 - p : 0;
    }

    /**
     * A mark a tool prints around the lines of a multi-line value, which is no key material: psql's
     * column rule ({@code |}, {@code │} with {@code linestyle unicode}) and its mark of a line that
     * goes on ({@code +} after the padding, {@code ↵}), and the quotes and {@code +} of a key kept
     * as concatenated string literals in code ({@code "MIIE...\\n" +}). psql printed a key's header
     * masked and every line of its body in clear before 2026-12-06. A {@code +}, which base64 also
     * writes, is a frame only after a space or a quote and before no base64.
     */
    private static boolean isLineFrame(CharSequence text, int p) {
        char c = text.charAt(p);
        if (c == '|' || c == '\u2502' || c == '\u21b5' || c == '"' || c == '\'') {
            return true;
        }
        if (c != '+' || p == 0) {
            return false;
        }
        char before = text.charAt(p - 1);
        return (before == ' ' || before == '\t' || before == '"' || before == '\'')
                && (p + 1 == text.length() || !isBase64(text.charAt(p + 1)));
    }

    private static boolean isBase64(char c) {
        return Chars.isAsciiAlnum(c) || c == '+' || c == '/' || c == '=';
    }

    private static int indexOf(CharSequence text, String needle, int from, int limit) {
        int last = Math.min(limit, text.length()) - needle.length();
        for (int k = from; k <= last; k++) {
            if (text.charAt(k) == needle.charAt(0) && startsWith(text, k, needle)) {
                return k;
            }
        }
        return -1;
    }

    /**
     * The value assigned at the {@code =} or {@code :} at {@code k} to a credential-like name, packed
     * as {@code start << 32 | end}; or, when there is none, the negated index to resume at.
     */
    private static long assignedValue(CharSequence text, int k) {
        int n = text.length();
        NameKind kind = nameBefore(text, k);
        if (kind == NameKind.NONE || (text.charAt(k) == ':' && k + 1 < n && text.charAt(k + 1) == '/')) {
            return -(k + 1);
        }
        // Ruby's, PHP's and Perl's hashes pair a name with its value by =>: {"password" => "..."} was
        // read as a value ">" and passed in clear
        int assigned = text.charAt(k) == '=' && k + 1 < n && text.charAt(k + 1) == '>' ? k + 1 : k;
        int v = assigned + 1;
        while (v < n && (text.charAt(v) == ' ' || text.charAt(v) == '\t') && v - assigned <= 4) {
            v++;
        }
        if (kind == NameKind.COOKIE) {
            int end = cookieHeaderEnd(text, v);
            return end - v >= 3 ? ((long) v << 32) | end : -(k + 1);
        }
        int[] span = valueAt(text, v);
        String value = text.subSequence(span[0], span[1]).toString();
        long parameters = AuthorizationSchemes.parametersAfterScheme(text, span[0]);
        if (parameters >= 0) {
            return parameters;
        }
        if (AuthorizationSchemes.isScheme(value) && span[1] < n && text.charAt(span[1]) == ' ') {
            int shortest = AuthorizationSchemes.shortestCredential(value);
            span = valueAt(text, span[1] + 1);
            value = text.subSequence(span[0], span[1]).toString();
            kind = value.length() >= shortest ? NameKind.PASSWORD : NameKind.NONE; // what follows the scheme is the credential
        }
        boolean secret = kind == NameKind.PASSWORD ? looksLikePassword(value) : kind != NameKind.NONE && looksRandom(value);
        if (!secret) {
            // Only the assignment is passed: a value not secret as a whole can still hold a key of a
            // fixed shape (`pwd: "see AKIA..."`), which the scan must reach.
            return -(k + 1);
        }
        return ((long) span[0] << 32) | span[1];
    }

    /**
     * A password hash in the modular crypt format, as {@code /etc/shadow}, {@code .htpasswd} and
     * applications' user tables keep them: {@code $1$}, {@code $apr1$}, {@code $5$}, {@code $6$} (with
     * {@code rounds=} or not) with a salt and a digest of their exact length, bcrypt's {@code $2b$10$}
     * and 53 characters, yescrypt's and scrypt's {@code $y$}/{@code $7$}, Argon2's {@code $argon2id$v=19$m=...}.
     * A hash is a password to whoever runs a cracker on it; none had a name before it in {@code cat
     * /etc/shadow} or a log, and each reached masked callers in clear. Returns its end, or -1.
     */
    private static int passwordHash(CharSequence text, int i) {
        if (!tokenMayStartAt(text, i) || (i > 0 && text.charAt(i - 1) == '$')) {
            return -1;
        }
        int end = -1;
        if (startsWith(text, i, "$2a$") || startsWith(text, i, "$2b$") || startsWith(text, i, "$2y$")
                || startsWith(text, i, "$2x$")) {
            int cost = i + 4;
            end = Chars.isDigitAt(text, cost) && Chars.isDigitAt(text, cost + 1) && cost + 2 < text.length()
                    && text.charAt(cost + 2) == '$' && cryptRunEnd(text, cost + 3) == cost + 3 + 53 ? cost + 3 + 53 : -1;
        } else if (startsWith(text, i, "$1$") || startsWith(text, i, "$5$") || startsWith(text, i, "$6$")
                || startsWith(text, i, "$apr1$")) {
            int salt = i + (text.charAt(i + 1) == 'a' ? 6 : 3);
            int digest = text.charAt(i + 1) == '6' ? 86 : text.charAt(i + 1) == '5' ? 43 : 22;
            if (startsWith(text, salt, "rounds=")) {
                int roundsEnd = Chars.digitRunEnd(text, salt + 7);
                salt = roundsEnd > salt + 7 && roundsEnd < text.length() && text.charAt(roundsEnd) == '$' ? roundsEnd + 1 : -1;
            }
            end = salt < 0 ? -1 : saltAndDigestEnd(text, salt, 16, digest, digest);
        } else if (startsWith(text, i, "$y$") || startsWith(text, i, "$7$")) {
            int parameters = cryptRunEnd(text, i + 3);
            end = parameters > i + 3 && parameters < text.length() && text.charAt(parameters) == '$'
                    ? saltAndDigestEnd(text, parameters + 1, 64, 43, 43) : -1;
        } else if (startsWith(text, i, "$argon2")) {
            int p = i + 7;
            p = startsWith(text, p, "id$") ? p + 3 : startsWith(text, p, "i$") || startsWith(text, p, "d$") ? p + 2 : -1;
            for (int field = 0; p > 0 && field < 2 && p < text.length() && Chars.isAsciiLetter(text.charAt(p)); field++) {
                int fieldEnd = p;
                while (fieldEnd < text.length() && fieldEnd - p < 48 && (Chars.isAsciiAlnum(text.charAt(fieldEnd))
                        || text.charAt(fieldEnd) == '=' || text.charAt(fieldEnd) == ',')) {
                    fieldEnd++;
                }
                p = fieldEnd < text.length() && text.charAt(fieldEnd) == '$' ? fieldEnd + 1 : -1;
            }
            end = p < 0 ? -1 : saltAndDigestEnd(text, p, 64, 16, 128);
        }
        return end > 0 && tokenMayEndAt(text, end) && (end >= text.length() || text.charAt(end) != '$') ? end : -1;
    }

    /** A salt of 1 to {@code maxSalt} characters, a {@code $} and a digest of {@code minDigest..maxDigest}: its end, or -1. */
    private static int saltAndDigestEnd(CharSequence text, int salt, int maxSalt, int minDigest, int maxDigest) {
        int saltEnd = cryptRunEnd(text, salt);
        if (saltEnd == salt || saltEnd - salt > maxSalt || saltEnd >= text.length() || text.charAt(saltEnd) != '$') {
            return -1;
        }
        int digestEnd = cryptRunEnd(text, saltEnd + 1);
        int digest = digestEnd - saltEnd - 1;
        return digest >= minDigest && digest <= maxDigest ? digestEnd : -1;
    }

    /** The end of a run of crypt's Base64 alphabet ({@code ./0-9A-Za-z}; Argon2's {@code +} too), read at most 160 characters. */
    private static int cryptRunEnd(CharSequence text, int from) {
        int end = from;
        while (end < text.length() && end - from < 160 && (Chars.isAsciiAlnum(text.charAt(end)) || text.charAt(end) == '.'
                || text.charAt(end) == '/' || text.charAt(end) == '+')) {
            end++;
        }
        return end;
    }

    /** What the colon at {@code colon} introduces, packed like {@link #assignedValue}. */
    private static long valueAfterColon(CharSequence text, int colon) {
        if (startsWith(text, colon, "://")) {
            return urlPassword(text, colon);
        }
        long puttyKey = PuttyKeyFiles.privateLines(text, colon);
        if (puttyKey > 0) {
            return puttyKey;
        }
        long botToken = telegramBotToken(text, colon);
        if (botToken > 0) {
            return botToken;
        }
        long pgpass = pgpassPassword(text, colon);
        return pgpass > 0 ? pgpass : assignedValue(text, colon);
    }

    /**
     * The password of a line of PostgreSQL's password file ({@code ~/.pgpass}, {@code PGPASSFILE}),
     * {@code host:port:database:user:password}, whose fourth colon is at {@code colon}: packed like
     * {@link #assignedValue}, or -1. The host is {@code *} or a name with a letter or a dot, the port
     * {@code *} or a number, the database and the user {@code *} or words with a letter (a time of
     * day has none); a colon escaped by a backslash belongs to its field. The password runs to the
     * line's end, or to a quote that also opened the line ({@code echo "db:5432:shop:app:..." >>
     * ~/.pgpass}). No name says it is a password, and {@code cat ~/.pgpass} showed every one in clear.
     */
    private static long pgpassPassword(CharSequence text, int colon) {
        int[] colons = new int[3];
        int found = 0;
        int lineStart = colon;
        while (lineStart > 0 && colon - lineStart < MAX_PGPASS_FIELDS) {
            char c = text.charAt(lineStart - 1);
            if (c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '"' || c == '\'') {
                break;
            }
            if (c == ':' && !(lineStart >= 2 && text.charAt(lineStart - 2) == '\\')) {
                if (found == 3) {
                    return -1;
                }
                colons[found++] = lineStart - 1;
            }
            lineStart--;
        }
        if (found != 3 || lineStart == colon || colon - lineStart >= MAX_PGPASS_FIELDS) {
            return -1;
        }
        int hostEnd = colons[2];
        int portEnd = colons[1];
        int databaseEnd = colons[0];
        if (!isPgpassHost(text, lineStart, hostEnd) || !isPgpassPort(text, hostEnd + 1, portEnd)
                || !isPgpassWord(text, portEnd + 1, databaseEnd) || !isPgpassWord(text, databaseEnd + 1, colon)) {
            return -1;
        }
        char quote = lineStart > 0 && (text.charAt(lineStart - 1) == '"' || text.charAt(lineStart - 1) == '\'')
                ? text.charAt(lineStart - 1) : 0;
        int end = colon + 1;
        while (end < text.length() && end - colon <= MAX_VALUE && text.charAt(end) != '\n' && text.charAt(end) != '\r'
                && text.charAt(end) != quote) {
            if (text.charAt(end) == ':' && text.charAt(end - 1) != '\\') {
                return -1;
            }
            end++;
        }
        return end > colon + 1 ? ((long) (colon + 1) << 32) | end : -1;
    }

    private static boolean isPgpassHost(CharSequence text, int start, int end) {
        if (end - start == 1 && text.charAt(start) == '*') {
            return true;
        }
        boolean named = false;
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (!Chars.isAsciiAlnum(c) && c != '.' && c != '-' && c != '_') {
                return false;
            }
            named |= c == '.' || Chars.isAsciiLetter(c);
        }
        return named;
    }

    private static boolean isPgpassPort(CharSequence text, int start, int end) {
        if (end - start == 1 && text.charAt(start) == '*') {
            return true;
        }
        for (int k = start; k < end; k++) {
            if (!Chars.isDigit(text.charAt(k))) {
                return false;
            }
        }
        return end > start && end - start <= 5;
    }

    private static boolean isPgpassWord(CharSequence text, int start, int end) {
        if (end - start == 1 && text.charAt(start) == '*') {
            return true;
        }
        boolean letter = false;
        for (int k = start; k < end; k++) {
            letter |= Chars.isAsciiLetter(text.charAt(k));
        }
        return letter;
    }

    /** {@code Bearer <token>} outside an Authorization header ("sent Bearer eyJ..." in a log line). */
    private static long bearerToken(CharSequence text, int i) {
        if (!containsIgnoreCase(text, "bearer ", i, i + 7)) {
            return -1;
        }
        int[] span = valueAt(text, i + 7);
        String value = text.subSequence(span[0], span[1]).toString();
        return value.length() >= 16 && looksRandom(value) ? ((long) span[0] << 32) | span[1] : -1;
    }

    /**
     * A Telegram bot token, {@code <bot id>:AA<33 characters>}, whose {@code :} sits at {@code colon}:
     * the whole token packed like {@link #assignedValue}, or -1.
     */
    private static long telegramBotToken(CharSequence text, int colon) {
        int start = colon;
        while (start > 0 && Chars.isDigit(text.charAt(start - 1)) && colon - start <= 10) {
            start--;
        }
        if (colon - start < 8 || colon - start > 10 || !tokenMayStartAt(text, start) || !startsWith(text, colon + 1, "AA")) {
            return -1;
        }
        int end = base64UrlEnd(text, colon + 1);
        return end - colon - 1 == 35 ? ((long) start << 32) | end : -1;
    }

    private static boolean isAzureSecretChar(char c) {
        return Chars.isAsciiAlnum(c) || c == '_' || c == '-' || c == '.' || c == '~';
    }

    /**
     * Microsoft Entra (Azure AD) client secrets: three characters, a digit, {@code Q~}, then 31 to 34
     * more; the {@code ~} sits at {@code tilde}. The start, or -1 (also when a find already covers it).
     */
    private static int azureClientSecretStart(CharSequence text, int tilde, List<Match> out) {
        int start = tilde - 5;
        for (int k = start; k < tilde - 2; k++) {
            if (!isAzureSecretChar(text.charAt(k))) {
                return -1;
            }
        }
        boolean boundary = start == 0 || !isAzureSecretChar(text.charAt(start - 1));
        return boundary && (out.isEmpty() || out.getLast().end() <= start) ? start : -1;
    }

    private static int azureClientSecretEnd(CharSequence text, int tilde) {
        int end = tilde + 1;
        while (end < text.length() && end - tilde <= 35 && isAzureSecretChar(text.charAt(end))) {
            end++;
        }
        int length = end - tilde - 1;
        return length >= 31 && length <= 34 && (end >= text.length() || !isAzureSecretChar(text.charAt(end))) ? end : -1;
    }

    /**
     * A credential given after its name and a space, where no prose writes one: after an identifier
     * ({@code aws configure set aws_secret_access_key <key>}, {@code DB_PASSWORD <pw>}), or after
     * {@code password} in a .netrc line that names a login or a machine. The space sits at {@code space}.
     */
    private static long spacedAssignment(CharSequence text, int space) {
        int start = space;
        boolean identifier = false;
        while (start > 0 && isNameChar(text.charAt(start - 1)) && space - start <= MAX_NAME) {
            start--;
            identifier |= text.charAt(start) == '_';
        }
        if (start > 0 && isNameChar(text.charAt(start - 1))) {
            return -1;
        }
        NameKind kind = identifier ? nameKind(text, start, space) : NameKind.NONE;
        if (!identifier && space - start == 8 && lastWordIs(text, start, space, "password")) {
            long cisco = CiscoPasswords.at(text, space + 1);
            if (cisco >= 0) {
                return cisco;
            }
        }
        if (!identifier && (lastWordIs(text, start, space, "password") || lastWordIs(text, start, space, "passwd"))
                && space - start <= 8 && netrcLine(text, start)) {
            kind = NameKind.PASSWORD;
        }
        if (kind == NameKind.NONE || kind == NameKind.COOKIE || space + 1 >= text.length()) {
            return -1;
        }
        int[] span = valueAt(text, space + 1);
        String value = text.subSequence(span[0], span[1]).toString();
        boolean secret = kind == NameKind.PASSWORD ? looksLikePassword(value) && !value.startsWith("-")
                : value.length() >= 16 && looksRandom(value);
        return secret ? ((long) span[0] << 32) | span[1] : -1;
    }

    /**
     * Whether {@code login} or {@code machine} stands before {@code at} on its line: .netrc's {@code
     * machine h login u password p}; or {@code at} starts its line and one of the lines before it
     * starts with one of .netrc's words, as the file is also written, a token a line (before
     * 2026-12-06 the password of such a file reached masked callers in clear).
     */
    private static boolean netrcLine(CharSequence text, int at) {
        int lineStart = lineStart(text, at);
        if (containsIgnoreCase(text, "login ", lineStart, at) || containsIgnoreCase(text, "machine ", lineStart, at)) {
            return true;
        }
        if (!isBlank(text, lineStart, at) || lineStart == 0) {
            return false;
        }
        for (int line = 0; line < NETRC_LINES_BEFORE && lineStart > 0; line++) {
            int previous = lineStart(text, lineStart - 1);
            int word = previous;
            while (word < lineStart - 1 && (text.charAt(word) == ' ' || text.charAt(word) == '\t')) {
                word++;
            }
            for (String keyword : NETRC_WORDS) {
                if (startsWith(text, word, keyword)) {
                    return true;
                }
            }
            lineStart = previous;
        }
        return false;
    }

    private static int lineStart(CharSequence text, int at) {
        int lineStart = at;
        while (lineStart > 0 && at - lineStart < 200 && text.charAt(lineStart - 1) != '\n') {
            lineStart--;
        }
        return lineStart;
    }

    private static boolean isBlank(CharSequence text, int from, int to) {
        for (int k = from; k < to; k++) {
            if (text.charAt(k) != ' ' && text.charAt(k) != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * The text of an element named like a credential, {@code <password>...</password>}, {@code
     * <db:Secret>...}, {@code <![CDATA[...]]>} inside it too, or of one whose {@code key} or {@code name}
     * attribute names one ({@code <entry key="password">...}); {@code >} of the opening tag sits at
     * {@code gt}. Packed like {@link #assignedValue}.
     */
    private static long elementValue(CharSequence text, int gt) {
        int lt = gt - 1;
        while (lt >= 0 && gt - lt <= MAX_TAG && text.charAt(lt) != '<' && text.charAt(lt) != '>' && text.charAt(lt) != '\n') {
            lt--;
        }
        if (lt < 0 || text.charAt(lt) != '<' || gt + 1 >= text.length()) {
            return -(gt + 1);
        }
        int nameEnd = lt + 1;
        while (nameEnd < gt && (isNameChar(text.charAt(nameEnd)) || text.charAt(nameEnd) == ':')) {
            nameEnd++;
        }
        NameKind kind = nameEnd > lt + 1 ? nameKind(text, lt + 1, nameEnd) : NameKind.NONE;
        if (kind == NameKind.NONE && namingAttributeEndsAt(text, lt, gt)) {
            kind = attributeNameBefore(text, gt); // <entry key="password">
        }
        if (kind == NameKind.NONE || kind == NameKind.COOKIE) {
            return -(gt + 1);
        }
        int v = gt + 1;
        boolean cdata = startsWith(text, v, "<![CDATA[");
        v += cdata ? 9 : 0;
        int end = v;
        while (end < text.length() && end - v <= MAX_VALUE && text.charAt(end) != (cdata ? ']' : '<')) {
            end++;
        }
        if (!startsWith(text, end, cdata ? "]]>" : "</")) {
            return -(gt + 1);
        }
        String value = text.subSequence(v, end).toString().strip();
        boolean secret = kind == NameKind.PASSWORD ? looksLikePassword(value) : looksRandom(value);
        return secret ? ((long) v << 32) | end : -(gt + 1);
    }

    /** Whether the tag from {@code lt} ends at {@code gt} with a {@code key="..."} or {@code name="..."} attribute. */
    private static boolean namingAttributeEndsAt(CharSequence text, int lt, int gt) {
        char quote = text.charAt(gt - 1);
        if (quote != '"' && quote != '\'') {
            return false;
        }
        int open = gt - 2;
        while (open > lt && text.charAt(open) != quote) {
            open--;
        }
        return open > lt + 4 && text.charAt(open - 1) == '='
                && (lastWordIs(text, lt + 1, open - 1, "key") || lastWordIs(text, lt + 1, open - 1, "name"));
    }

    /**
     * The literal of a SQL statement that sets a password, {@code PASSWORD 'x'}, {@code
     * PASSWORD('x')}, {@code IDENTIFIED [WITH plugin] BY 'x'}, {@code SET PASSWORD FOR u = 'x'}; the
     * opening quote sits at {@code quote}. Packed like {@link #assignedValue}.
     */
    private static long sqlPasswordLiteral(CharSequence text, int quote) {
        int j = quote - 1;
        while (j >= 0 && Character.isWhitespace(text.charAt(j)) && quote - j <= 4) {
            j--;
        }
        if (j >= 0 && text.charAt(j) == '(') {
            j--;
        }
        if (j == quote - 1) {
            return -(quote + 1); // password"..." closes a string or attribute; a keyword is followed by a space or (
        }
        int wordEnd = j + 1;
        while (j >= 0 && Chars.isAsciiLetter(text.charAt(j)) && wordEnd - j <= 10) {
            j--;
        }
        int wordStart = j + 1;
        boolean keyword;
        if (wordEnd > 0 && text.charAt(wordEnd - 1) == '=') {
            keyword = containsIgnoreCase(text, "set password", Math.max(0, wordEnd - 100), wordEnd);
        } else if (j >= 0 && isNameChar(text.charAt(j))) {
            keyword = false;
        } else {
            int length = wordEnd - wordStart;
            keyword = (length == 8 && containsIgnoreCase(text, "password", wordStart, wordEnd)) || (length == 2
                    && containsIgnoreCase(text, "by", wordStart, wordEnd)
                    && containsIgnoreCase(text, "identified", Math.max(0, wordStart - 80), wordStart));
        }
        if (!keyword) {
            return -(quote + 1);
        }
        char q = text.charAt(quote);
        int end = quote + 1;
        while (end < text.length() && text.charAt(end) != q && text.charAt(end) != '\n' && end - quote <= MAX_VALUE) {
            end++;
        }
        boolean secret = end < text.length() && text.charAt(end) == q
                && looksLikePassword(text.subSequence(quote + 1, end).toString());
        return secret ? ((long) (quote + 1) << 32) | end : -(quote + 1);
    }

    static boolean containsIgnoreCase(CharSequence text, String needle, int from, int to) {
        int last = Math.min(to, text.length()) - needle.length();
        for (int k = Math.max(0, from); k <= last; k++) {
            boolean match = true;
            for (int m = 0; m < needle.length() && match; m++) {
                match = Character.toLowerCase(text.charAt(k + m)) == needle.charAt(m);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    /**
     * The end of a {@code Cookie:} header's value: every pair in it is a session's credentials, so
     * it runs to the end of the line (or of the quoted string the header is written in).
     */
    private static int cookieHeaderEnd(CharSequence text, int v) {
        int end = v;
        while (end < text.length() && end - v < MAX_COOKIE && "\r\n\"'`".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        return end;
    }

    /**
     * The password in a URL's user information, {@code postgres://app:<password>@db:5432/app} or
     * {@code redis://:<password>@cache} (no user), packed like {@link #assignedValue}; {@code ://} sits at {@code k}.
     */
    private static long urlPassword(CharSequence text, int k) {
        int n = text.length();
        int userStart = k + 3;
        int colon = -1;
        for (int p = userStart; p < n && p - userStart <= MAX_VALUE; p++) {
            char c = text.charAt(p);
            if (c == ':' && colon < 0) {
                colon = p;
            } else if (c == '@') {
                return colon >= userStart && p > colon + 1 ? ((long) (colon + 1) << 32) | p : -(k + 3);
            } else if (c == '/' || c == '?' || c == '#' || Character.isWhitespace(c)) {
                break;
            }
        }
        return -(k + 3);
    }

    /** The value starting at {@code v}: up to the closing quote when quoted, else up to a delimiter. */
    static int[] valueAt(CharSequence text, int v) {
        int n = text.length();
        if (v < n && (text.charAt(v) == '"' || text.charAt(v) == '\'')) {
            char quote = text.charAt(v);
            int end = v + 1;
            while (end < n && text.charAt(end) != quote && text.charAt(end) != '\n' && end - v <= MAX_VALUE) {
                end++;
            }
            return new int[] {v + 1, end};
        }
        int end = v;
        while (end < n && !isValueEnd(text, end) && end - v < MAX_VALUE) {
            end++;
        }
        return new int[] {v, end};
    }

    /**
     * Whether the unquoted value ends at {@code i}. {@code &} and {@code ;} separate the pairs of a
     * query or a connection string only when the next pair or the end follows: {@code
     * password=Tr0ub&3x} is one password, not {@code Tr0ub} and a stray {@code &3x}.
     */
    private static boolean isValueEnd(CharSequence text, int i) {
        char c = text.charAt(i);
        if (c != '&' && c != ';') {
            return isValueDelimiter(c);
        }
        int k = i + 1;
        while (k < text.length() && k - i <= MAX_NAME && (isNameChar(text.charAt(k)) || text.charAt(k) == ' ')) {
            // a space inside the name: "User ID=" of an ADO.NET connection string
            k++;
        }
        if (k == i + 1) {
            return true; // "&" or ";" before a space, a quote or the end
        }
        return k < text.length() && text.charAt(k) == '=';
    }

    private static boolean isValueDelimiter(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == ',' || c == ';' || c == '&' || c == '}'
                || c == ')' || c == ']' || c == '<' || c == '>' || c == '`';
    }

    /** Reads the name in front of the assignment at {@code k}: {@code db_password=}, {@code "apiKey": }. */
    private static NameKind nameBefore(CharSequence text, int k) {
        int j = k - 1;
        while (j >= 0 && text.charAt(j) == ' ' && k - j <= 4) {
            j--;
        }
        if (j >= 0 && (text.charAt(j) == '"' || text.charAt(j) == '\'')) {
            j--;
        }
        int nameEnd = j + 1;
        while (j >= 0 && isNameChar(text.charAt(j)) && nameEnd - j <= MAX_NAME) {
            j--;
        }
        if (j + 1 == nameEnd || (j >= 0 && isNameChar(text.charAt(j)))) {
            return NameKind.NONE;
        }
        int nameStart = j + 1;
        if (nameEndsWith(text, nameStart, nameEnd, "value", true)) {
            return attributeNameBefore(text, nameStart);
        }
        NameKind kind = nameKind(text, nameStart, nameEnd);
        if (kind == NameKind.NONE && j > 0 && text.charAt(j) == ' ' && lastWordIs(text, nameStart, nameEnd, "key")) {
            return twoWordName(text, j, nameEnd); // API key:, Secret Key =, Private key:
        }
        return kind;
    }

    /** The name of two words that ends at {@code nameEnd}, the space between them at {@code space}. */
    private static NameKind twoWordName(CharSequence text, int space, int nameEnd) {
        int start = space;
        while (start > 0 && Chars.isAsciiLetter(text.charAt(start - 1)) && space - start < MAX_NAME) {
            start--;
        }
        if (start == space || (start > 0 && isNameChar(text.charAt(start - 1)))) {
            return NameKind.NONE;
        }
        return nameKind(text, start, nameEnd);
    }

    /**
     * For {@code value=} in a tag, what the attribute before it names: {@code <add key="DbPassword"
     * value="..."/>}, {@code <property name="password" value="..."/>}.
     */
    private static NameKind attributeNameBefore(CharSequence text, int valueName) {
        int j = valueName - 1;
        while (j >= 0 && text.charAt(j) == ' ' && valueName - j <= 4) {
            j--;
        }
        if (j < 1 || (text.charAt(j) != '"' && text.charAt(j) != '\'')) {
            return NameKind.NONE;
        }
        char quote = text.charAt(j);
        int nameEnd = j;
        int k = j - 1;
        while (k >= 0 && text.charAt(k) != quote && nameEnd - k <= MAX_NAME) {
            if (!isNameChar(text.charAt(k)) && text.charAt(k) != ':') {
                return NameKind.NONE;
            }
            k--;
        }
        return k >= 0 && text.charAt(k) == quote && k + 1 < nameEnd ? nameKind(text, k + 1, nameEnd) : NameKind.NONE;
    }

    /** What the name in {@code [nameStart, nameEnd)} says of the value assigned to it. */
    static NameKind nameKind(CharSequence text, int nameStart, int nameEnd) {
        int last = nameEnd - 1;
        while (last >= nameStart && !Chars.isAsciiAlnum(text.charAt(last))) {
            last--;
        }
        if (last < nameStart || !NAME_LAST_CHARS[Character.toLowerCase(text.charAt(last)) & 0x7f]) {
            return NameKind.NONE; // most names end in a letter no credential name ends in
        }
        for (String suffix : PASSWORD_NAMES) {
            if (nameEndsWith(text, nameStart, nameEnd, suffix, false)) {
                return NameKind.PASSWORD;
            }
        }
        if (lastWordIs(text, nameStart, nameEnd, "pass") || lastWordIs(text, nameStart, nameEnd, "pw")) {
            return NameKind.PASSWORD; // pass, db-pass, DB_PASS, dbPass, smtp.pw; not bypass or compass
        }
        if (nameEndsWith(text, nameStart, nameEnd, "cookie", true) || nameEndsWith(text, nameStart, nameEnd, "setcookie", true)) {
            return NameKind.COOKIE;
        }
        for (String whole : WHOLE_TOKEN_NAMES) {
            if (nameEndsWith(text, nameStart, nameEnd, whole, true)) {
                return NameKind.TOKEN;
            }
        }
        for (String suffix : TOKEN_NAMES) {
            if (nameEndsWith(text, nameStart, nameEnd, suffix, false)) {
                return NameKind.TOKEN;
            }
        }
        return NameKind.NONE;
    }

    /**
     * Whether the name's letters and digits, lower-cased, end with {@code suffix} (or are exactly it):
     * {@code DB_PASSWORD}, {@code db.password} and {@code dbPassword} all end with "password".
     * Compares in place, because this runs at every colon of a text.
     */
    private static boolean nameEndsWith(CharSequence text, int start, int end, String suffix, boolean whole) {
        int k = suffix.length() - 1;
        int p = end - 1;
        while (k >= 0) {
            while (p >= start && !Chars.isAsciiAlnum(text.charAt(p))) {
                p--;
            }
            if (p < start || Character.toLowerCase(text.charAt(p)) != suffix.charAt(k)) {
                return false;
            }
            p--;
            k--;
        }
        if (whole) {
            while (p >= start) {
                if (Chars.isAsciiAlnum(text.charAt(p--))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether the name's last word is {@code word} (lower case): the whole name, or after a
     * separator or a lower-to-upper case change ({@code DB_PASS}, {@code db-pass}, {@code dbPass}).
     */
    static boolean lastWordIs(CharSequence text, int start, int end, String word) {
        int wordStart = end - word.length();
        if (wordStart < start) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase(text.charAt(wordStart + k)) != word.charAt(k)) {
                return false;
            }
        }
        if (wordStart == start) {
            return true;
        }
        char before = text.charAt(wordStart - 1);
        char first = text.charAt(wordStart);
        return !Chars.isAsciiAlnum(before)
                || (Character.isUpperCase(first) && Character.isLowerCase(before) && Character.isLowerCase(text.charAt(wordStart + 1)));
    }

    private static boolean isNameChar(char c) {
        return Chars.isAsciiAlnum(c) || c == '_' || c == '-' || c == '.';
    }

    static boolean looksLikePassword(String value) {
        if (value.length() < 3 || PLACEHOLDERS.contains(value.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (value.startsWith("${") || value.startsWith("{{") || value.startsWith("%(") || value.startsWith("<")
                || value.startsWith("env:") || value.startsWith("file:")) {
            return false; // a reference to a secret, not the secret
        }
        if (value.endsWith("(")) {
            return false; // PASSWORD('...'): the function's argument is read on its own
        }
        return value.chars().distinct().count() > 1; // "****", "xxxx"
    }

    /** Random-looking: at least 8 characters, two character classes and 2.5 bits of entropy per character. */
    static boolean looksRandom(String value) {
        if (value.length() < 8 || !looksLikePassword(value)) {
            return false;
        }
        return Integer.bitCount(characterClasses(value)) >= 2 && entropyBitsPerChar(value) >= 2.5;
    }

    static final int LOWER = 1;
    static final int UPPER = 2;
    static final int DIGIT = 4;
    static final int MARK = 8;

    /** Which of ASCII lower case, upper case, digits and everything else {@code value} holds, one bit each. */
    static int characterClasses(String value) {
        int classes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            classes |= c >= 'a' && c <= 'z' ? LOWER : c >= 'A' && c <= 'Z' ? UPPER : Chars.isDigit(c) ? DIGIT : MARK;
        }
        return classes;
    }

    static double entropyBitsPerChar(String value) {
        java.util.Map<Character, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < value.length(); i++) {
            counts.merge(value.charAt(i), 1, Integer::sum);
        }
        double bits = 0;
        for (int count : counts.values()) {
            double p = (double) count / value.length();
            bits -= p * (Math.log(p) / Math.log(2));
        }
        return bits;
    }
}
