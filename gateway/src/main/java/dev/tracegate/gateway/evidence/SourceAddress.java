package dev.tracegate.gateway.evidence;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The address a client is counted under when the gateway limits or summarises what unauthenticated
 * clients do: an IPv4 address, or the /64 an IPv6 address belongs to (one host is routinely given a
 * whole /64, so counting single IPv6 addresses would let it pose as billions of sources).
 *
 * @param key printable form, e.g. {@code 192.0.2.7} or {@code 2001:db8:0:1::/64}
 */
public record SourceAddress(String key) {

    /** What an IP literal may hold (compiled once: the HTTP listener parses one per request). */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.%\\[\\]]+");

    public static SourceAddress of(InetAddress address) {
        if (address instanceof Inet6Address v6 && !v6.isLoopbackAddress()) {
            byte[] prefix = Arrays.copyOf(v6.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return new SourceAddress(InetAddress.getByAddress(prefix).getHostAddress() + "/64");
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an IPv6 address", e);
            }
        }
        return new SourceAddress(address.getHostAddress());
    }

    /** From an IP literal as HTTP servers report it; anything else counts as itself. */
    public static SourceAddress parse(String ip) {
        if (ip == null || !IP_LITERAL.matcher(ip).matches()) {
            return new SourceAddress(String.valueOf(ip));
        }
        try {
            // An IP literal: no name lookup happens.
            return of(InetAddress.getByName(ip.replace("[", "").replace("]", "")));
        } catch (UnknownHostException e) {
            return new SourceAddress(ip);
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
