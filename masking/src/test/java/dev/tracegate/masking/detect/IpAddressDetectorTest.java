package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpAddressDetectorTest {

    private final IpAddressDetector detector = new IpAddressDetector();

    @Test
    void ipv4WithAndWithoutPrefix() {
        assertThat(Finds.of(detector, "from 192.168.1.20, net 10.0.0.0/8, http://203.0.113.7:8080/x"))
                .containsExactly("192.168.1.20", "10.0.0.0/8", "203.0.113.7");
    }

    @Test
    void ipv6Forms() {
        assertThat(Finds.of(detector, "2001:db8::1, fe80::1ff:fe23:4567:890a and ::ffff:192.0.2.1 [2001:0db8:85a3:0000:0000:8a2e:0370:7334]"))
                .containsExactly("2001:db8::1", "fe80::1ff:fe23:4567:890a", "::ffff:192.0.2.1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334");
    }

    @Test
    void versionsOidsTimesAndMacsAreNoAddresses() {
        assertThat(Finds.of(detector, "version 1.2.3.4, v10.0.0.1, build 4.3.2.1, OID 1.3.6.1.4.1.311")).isEmpty();
        assertThat(Finds.of(detector, "256.1.1.1 01.2.3.4 1.2.3")).isEmpty();
        assertThat(Finds.of(detector, "at 12:30:45, mac 00:1A:2B:3C:4D:5E, std::vector, dead::beef")).isEmpty();
    }

    /** A browser, curl and inet_aton read a URL's numeric host as an IPv4 address however its number is written. */
    @Test
    void aUrlsHostWrittenAsOneNumberHexOrOctalIsAnAddress() {
        assertThat(Finds.of(detector, "GET http://3232235777/admin, https://0xC0A80101:8443/x, http://0300.0250.0001.0001/,"
                + " http://0xc0.0xa8.0x1.0x1?q, http://192.168.257/ and ftp://user:pw@167772161/file"))
                .containsExactly("3232235777", "0xC0A80101", "0300.0250.0001.0001", "0xc0.0xa8.0x1.0x1", "192.168.257",
                        "167772161");
        assertThat(Finds.of(detector, "http://example.com:8080/, http://4294967296/, http://1.2.3.4.5/, http://0x/,"
                + " order 3232235777, epoch 1765000000, jdbc:postgresql://db:5432/x, http://12ab/")).isEmpty();
    }

    /** Some tools print octets zero-padded to three digits; two-digit padding writes dates and versions. */
    /**
     * Providers name the hosts they lease addresses to after the address, hyphens for dots, and reverse DNS puts the
     * names in server logs, {@code last}, mail headers and commit authors: each reached masked callers in clear.
     */
    @Test
    void anAddressWrittenInAHostName() {
        assertThat(Finds.of(detector, "Accepted publickey for ada from c-73-158-12-34.hsd1.ca.comcast.net port 52144"))
                .containsExactly("73-158-12-34");
        assertThat(Finds.of(detector, "Author: <torri@alf94-3-82-66-248-160.fbx.proxad.net>")).containsExactly("82-66-248-160");
        assertThat(Finds.of(detector, "host86-123-45-67.range86-123.example.com")).containsExactly("86-123-45-67");
        assertThat(Finds.of(detector, "node ip-10-0-1-23.ec2.internal Ready, ubuntu@ip-172-31-22-33:~$"))
                .containsExactly("10-0-1-23", "172-31-22-33");
        assertThat(Finds.of(detector, "ec2-54-210-1-23.compute-1.amazonaws.com 192-168-1-10.nip.io"))
                .containsExactly("54-210-1-23", "192-168-1-10");
        assertThat(Finds.of(detector, "10.0.1.23.nip.io and 23.1.0.10.in-addr.arpa")).containsExactly("10.0.1.23", "23.1.0.10");
        // a file's name, dates, phone numbers, card groups and orders stay
        assertThat(Finds.of(detector, "1-2-3-4.txt 1.2.3.4.txt report-2024-10-12-01.txt, +1-415-555-2671, 4111-1111-1111-1111,"
                + " order 1-2-3-4 shipped, the order was 1-2-3-6-4-5. host-1-2-3-256.example.com x-01-2-3-4.example.com"))
                .isEmpty();
    }

    @Test
    void ipv4ZeroPaddedToThreeDigits() {
        assertThat(Finds.of(detector, "peer 192.168.001.010 and 010.000.000.001 connected"))
                .containsExactly("192.168.001.010", "010.000.000.001");
        assertThat(Finds.of(detector, "on 01.02.03.04, 1.02.3.4, version 001.002.003.004")).isEmpty();
    }
}
