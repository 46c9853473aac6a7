package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.EntityType;
import dev.tracegate.masking.Match;
import dev.tracegate.masking.TextFacts;
import java.util.List;
import java.util.Set;

/**
 * IPv4 addresses (four decimal octets, without leading zeros or zero-padded to three digits as
 * some tools print them: {@code 192.168.001.010}; optionally with a {@code /prefix}) and
 * IPv6 addresses (hex groups with at most one {@code ::}, optionally ending in an IPv4 address).
 * Version and section numbers share the dotted shape, so a dotted quad introduced by "version",
 * "release", "build", ... is not an address; an IPv6 candidate needs a decimal digit, which keeps
 * {@code std::vector}-like words out. An address in a host name ({@code c-73-158-12-34.isp.example},
 * {@code 10.0.1.23.nip.io}) is one too: see {@link #inHostName}.
 */
public final class IpAddressDetector implements Detector {

    private static final int MAX_IPV6 = 45;
    /** The longest URL authority read for a numeric host: user information, host and port. */
    private static final int MAX_URL_AUTHORITY = 256;
    /** How far a host name's first label after an address is read (a DNS label has at most 63 characters). */
    private static final int MAX_DOMAIN = 64;

    private static final Set<String> VERSION_WORDS = Set.of(
            "version", "versions", "ver", "v", "release", "build", "firmware", "fw", "rev", "revision", "kernel",
            "update", "patch", "sdk", "api", "app", "chrome", "firefox", "safari", "edge", "android", "ios",
            "windows", "macos", "java", "python", "node", "npm", "package", "library", "lib", "plugin", "driver",
            "section", "chapter", "clause", "article", "paragraph", "figure", "fig", "table", "step", "item", "rule",
            "oid", "upgrade", "upgraded", "downgrade", "installed", "install", "bump", "bumped");

    /**
     * An IPv4 address has a dot between two digits; an IPv6 address (also one ending in a dotted quad)
     * two colons; a URL whose host is a number a colon and a digit.
     */
    @Override
    public boolean mayMatch(TextFacts facts) {
        return facts.dottedDigits() || facts.colons() >= 2 || (facts.colons() == 1 && facts.longestNumberDigits() > 0);
    }

    @Override
    public EntityType type() {
        return EntityType.IP;
    }

    @Override
    public void find(CharSequence text, List<Match> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c > ':') {
                i++; // letters: the hot path
            } else if (c == ':') {
                int hostEnd = numericUrlHost(text, i, out);
                i = hostEnd > 0 ? hostEnd : ipv6(text, i, out);
            } else if (Chars.isDigit(c)) {
                i = ipv4(text, i, out);
            } else {
                i++;
            }
        }
    }

    /** Handles the digit run at {@code start}; returns where scanning resumes. */
    private static int ipv4(CharSequence text, int start, List<Match> out) {
        int n = text.length();
        int runEnd = Chars.digitRunEnd(text, start);
        if (runEnd + 1 < n && text.charAt(runEnd) == '-' && Chars.isDigit(text.charAt(runEnd + 1))) {
            // No dotted quad starts with a number and a hyphen; no find of the lines below starts
            // inside such a chain of numbers either (each of its later numbers follows a hyphen).
            return inHostName(text, start, out);
        }
        char prev = start > 0 ? text.charAt(start - 1) : ' ';
        if (Chars.isWordChar(prev) || prev == '.' || prev == ':' || prev == '-') {
            return skipDotted(text, runEnd);
        }
        int position = start;
        for (int octet = 0; octet < 4; octet++) {
            int end = Chars.digitRunEnd(text, position);
            int length = end - position;
            if (length == 0 || length > 3 || (length == 2 && text.charAt(position) == '0')
                    || Chars.decimal(text, position, end) > 255) {
                return skipDotted(text, runEnd);
            }
            position = end;
            if (octet < 3) {
                if (position >= n || text.charAt(position) != '.') {
                    return skipDotted(text, runEnd);
                }
                position++;
            }
        }
        int end = position;
        if (end + 1 < n && text.charAt(end) == '/' && Chars.isDigit(text.charAt(end + 1))) {
            int prefixEnd = Chars.digitRunEnd(text, end + 1);
            if (prefixEnd - end - 1 <= 2 && Chars.decimal(text, end + 1, prefixEnd) <= 32) {
                end = prefixEnd;
            }
        }
        boolean glued = end < n && (Chars.isWordChar(text.charAt(end))
                || ((text.charAt(end) == '.' || text.charAt(end) == '-') && Chars.isWordCharAt(text, end + 1)))
                && !domainAt(text, end);
        if (glued || PrecedingWords.anyIn(PrecedingWords.before(text, start, 2, 24), VERSION_WORDS)) {
            return skipDotted(text, end);
        }
        out.add(new Match(start, end, EntityType.IP));
        return end;
    }

    /**
     * When the colon at {@code colon} starts a URL's {@code ://} and the URL's host is an IPv4 address
     * written as browsers and {@code inet_aton} also read one, not as a dotted quad of decimals: one
     * number ({@code http://3232235777/}), hex ({@code 0xC0A80101}), octal parts ({@code
     * 0300.0250.0.1}), hex parts or fewer than four parts ({@code 192.168.257}): adds the host and
     * returns where scanning resumes, else -1. Outside a URL's host such a number is an id, a count or
     * a timestamp as often as an address, and stays.
     */
    private static int numericUrlHost(CharSequence text, int colon, List<Match> out) {
        int n = text.length();
        if (colon + 3 >= n || text.charAt(colon + 1) != '/' || text.charAt(colon + 2) != '/' || !Chars.isWordCharAt(text, colon - 1)) {
            return -1;
        }
        int authorityEnd = colon + 3;
        int hostStart = authorityEnd;
        while (authorityEnd < n && authorityEnd - colon < MAX_URL_AUTHORITY && !endsAuthority(text.charAt(authorityEnd))) {
            hostStart = text.charAt(authorityEnd) == '@' ? authorityEnd + 1 : hostStart;
            authorityEnd++;
        }
        int hostEnd = hostStart;
        while (hostEnd < authorityEnd && text.charAt(hostEnd) != ':') {
            hostEnd++;
        }
        if (hostEnd == hostStart || !isNumericHost(text.subSequence(hostStart, hostEnd).toString())) {
            return -1;
        }
        out.add(new Match(hostStart, hostEnd, EntityType.IP));
        return hostEnd;
    }

    private static boolean endsAuthority(char c) {
        return c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\''
                || c == '<' || c == '>';
    }

    /**
     * Whether a URL's host is an IPv4 address in a form other than four decimal octets (which {@link
     * #ipv4} finds): one to four parts, each decimal, {@code 0x} hex or {@code 0}-led octal, every part
     * but the last one byte, the last filling the bytes left (WHATWG URL's IPv4 parser).
     */
    static boolean isNumericHost(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return false;
        }
        boolean plainQuad = parts.length == 4;
        for (int p = 0; p < parts.length; p++) {
            long value = partValue(parts[p]);
            long limit = p < parts.length - 1 ? 255 : (1L << (8 * (5 - parts.length))) - 1;
            if (value < 0 || value > limit) {
                return false;
            }
            plainQuad &= parts[p].length() == 1 || (Chars.isDigit(parts[p].charAt(0)) && parts[p].charAt(0) != '0'
                    && parts[p].chars().allMatch(c -> Chars.isDigit((char) c)));
        }
        return !plainQuad;
    }

    /** A host part's value: decimal, {@code 0x} hex or {@code 0}-led octal; -1 when it is none or too long to be a part. */
    private static long partValue(String part) {
        boolean hex = part.length() > 2 && part.charAt(0) == '0' && (part.charAt(1) == 'x' || part.charAt(1) == 'X');
        String digits = hex ? part.substring(2) : part;
        int radix = hex ? 16 : digits.length() > 1 && digits.charAt(0) == '0' ? 8 : 10;
        if (digits.isEmpty() || digits.length() > 12) {
            return -1;
        }
        long value = 0;
        for (int k = 0; k < digits.length(); k++) {
            int digit = Character.digit(digits.charAt(k), radix);
            if (digit < 0 || digits.charAt(k) > 'f') {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }

    /** Skips the rest of a dotted number such as {@code 1.3.6.1.4.1}, so none of its parts starts a candidate. */
    /**
     * An IPv4 address written in a host name with hyphens for its dots, as providers name the hosts
     * they lease addresses to: an ISP's subscriber ({@code c-73-158-12-34.hsd1.ca.comcast.net},
     * {@code alf94-3-82-66-248-160.fbx.proxad.net}, {@code host86-123-45-67.range86-123.example.com}),
     * a cloud machine ({@code ip-10-0-1-23.ec2.internal}, {@code ec2-54-210-1-23.compute-1.amazonaws.com},
     * and {@code ip-10-0-1-23} alone, its host name on EC2), a wildcard DNS name ({@code
     * 192-168-1-10.nip.io}). Reverse DNS puts such names in server logs, {@code last}, mail headers and
     * commit authors, and the address is the subscriber's. The last four numbers of the chain of
     * numbers and hyphens at {@code start} are the address when they are octets and the chain ends a
     * host label: a domain of two labels or more follows ({@code 1-2-3-4.txt}, a file, does not), or the
     * label is {@code ip-} and the chain. Adds the address and returns the chain's end.
     */
    private static int inHostName(CharSequence text, int start, List<Match> out) {
        int n = text.length();
        int[] starts = new int[4];
        int parts = 0;
        int p = start;
        int end;
        while (true) {
            end = Chars.digitRunEnd(text, p);
            starts[parts++ % 4] = p;
            if (end + 1 >= n || text.charAt(end) != '-' || !Chars.isDigit(text.charAt(end + 1))) {
                break;
            }
            p = end + 1;
        }
        boolean labelEnds = !Chars.isWordCharAt(text, end) && (end >= n || (text.charAt(end) != '-'
                && (text.charAt(end) != '.' || !Chars.isWordCharAt(text, end + 1))));
        if (parts < 4 || !(domainAt(text, end) || (labelEnds && isEc2HostLabel(text, starts[parts % 4])))) {
            return end;
        }
        for (int k = 0; k < 4; k++) {
            int partStart = starts[(parts + k) % 4];
            int partEnd = Chars.digitRunEnd(text, partStart);
            int length = partEnd - partStart;
            if (length > 3 || (length > 1 && text.charAt(partStart) == '0') || Chars.decimal(text, partStart, partEnd) > 255) {
                return end;
            }
        }
        out.add(new Match(starts[parts % 4], end, EntityType.IP));
        return end;
    }

    /** Whether {@code ip-} alone starts the host label before {@code addressStart}, as EC2 names its machines. */
    private static boolean isEc2HostLabel(CharSequence text, int addressStart) {
        return addressStart >= 3 && text.charAt(addressStart - 1) == '-' && (text.charAt(addressStart - 2) | 0x20) == 'p'
                && (text.charAt(addressStart - 3) | 0x20) == 'i' && !isHostChar(text, addressStart - 4);
    }

    /**
     * Whether a domain name of two labels or more starts with the dot at {@code dot}, its first label
     * led by a letter ({@code .nip.io}, {@code .ec2.internal}, {@code .in-addr.arpa}): what follows an
     * address that is part of a host name, where a version or a file's name ({@code 1.2.3.4.txt},
     * {@code 10.0.0.1.5}) has one part or a number.
     */
    private static boolean domainAt(CharSequence text, int dot) {
        int n = text.length();
        if (dot + 1 >= n || text.charAt(dot) != '.' || !Chars.isAsciiLetter(text.charAt(dot + 1))) {
            return false;
        }
        for (int k = dot + 2; k + 1 < n && k - dot <= MAX_DOMAIN; k++) {
            char c = text.charAt(k);
            if (c == '.') {
                return Chars.isAsciiAlnum(text.charAt(k + 1));
            }
            if (!Chars.isAsciiAlnum(c) && c != '-') {
                return false;
            }
        }
        return false;
    }

    private static boolean isHostChar(CharSequence text, int index) {
        if (index < 0) {
            return false;
        }
        char c = text.charAt(index);
        return Chars.isAsciiAlnum(c) || c == '-' || c == '.' || c == '_';
    }

    private static int skipDotted(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && (Chars.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        return Math.max(i, from);
    }

    /** Examines the token around the colon at {@code colon}; returns where scanning resumes. */
    private static int ipv6(CharSequence text, int colon, List<Match> out) {
        int n = text.length();
        int start = colon;
        while (start > 0 && colon - start < MAX_IPV6 && isIpv6Char(text.charAt(start - 1))) {
            start--;
        }
        int end = colon + 1;
        while (end < n && end - start < MAX_IPV6 && isIpv6Char(text.charAt(end))) {
            end++;
        }
        int resume = end;
        while (end > start && text.charAt(end - 1) == '.') {
            end--;
        }
        if (Chars.isWordCharAt(text, start - 1) || Chars.isWordCharAt(text, end) || Chars.isWordCharAt(text, resume)
                || (end < n && text.charAt(end) == ':')) {
            return resume;
        }
        if (isIpv6(text, start, end)) {
            out.add(new Match(start, end, EntityType.IP));
        }
        return resume;
    }

    private static boolean isIpv6Char(char c) {
        return Chars.isHexDigit(c) || c == ':' || c == '.';
    }

    static boolean isIpv6(CharSequence text, int start, int end) {
        String token = text.subSequence(start, end).toString();
        int doubleColon = token.indexOf("::");
        if (doubleColon >= 0 && token.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        boolean digit = false;
        for (int i = 0; i < token.length(); i++) {
            digit |= Chars.isDigit(token.charAt(i));
        }
        if (!digit || token.chars().filter(c -> c == ':').count() < 2) {
            return false;
        }
        String[] parts = token.split(":", -1);
        int groups = 0;
        for (int p = 0; p < parts.length; p++) {
            String part = parts[p];
            if (part.isEmpty()) {
                if (doubleColon < 0) {
                    return false; // only "::" leaves an empty group
                }
                continue;
            }
            if (part.indexOf('.') >= 0) {
                if (p != parts.length - 1 || !isDottedQuad(part)) {
                    return false;
                }
                groups += 2;
                continue;
            }
            if (part.length() > 4) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (!Chars.isHexDigit(part.charAt(i))) {
                    return false;
                }
            }
            groups++;
        }
        if (token.startsWith(":") && !token.startsWith("::") || token.endsWith(":") && !token.endsWith("::")) {
            return false;
        }
        return doubleColon >= 0 ? groups < 8 : groups == 8;
    }

    private static boolean isDottedQuad(String part) {
        String[] octets = part.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> Chars.isDigit((char) c))
                    || (octet.length() > 1 && octet.charAt(0) == '0') || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
