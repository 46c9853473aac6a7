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

    /** Some tools print octets zero-padded to three digits; two-digit padding writes dates and versions. */
    @Test
    void ipv4ZeroPaddedToThreeDigits() {
        assertThat(Finds.of(detector, "peer 192.168.001.010 and 010.000.000.001 connected"))
                .containsExactly("192.168.001.010", "010.000.000.001");
        assertThat(Finds.of(detector, "on 01.02.03.04, 1.02.3.4, version 001.002.003.004")).isEmpty();
    }
}
