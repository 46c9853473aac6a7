package dev.tracegate.gateway.mysql;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * MariaDB's {@code client_ed25519}: the server's scramble signed with Ed25519, where the secret
 * scalar and nonce prefix are SHA-512 of the password itself rather than of a 32-byte seed (so no
 * standard key-pair API can produce it). Curve arithmetic in extended coordinates, per RFC 8032;
 * one signature per login, so plain {@link BigInteger} arithmetic is fast enough.
 */
final class Ed25519Password {

    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger[] BASE = point(
            new BigInteger("15112221349535400772501151409588531511454012693041857206046113283949847762202"),
            new BigInteger("46316835694926478169428394003475163141307993866256225615783033603165251855960"));

    private Ed25519Password() {
    }

    /** The 64-byte signature R || S of {@code message} under the key the password stands for. */
    static byte[] sign(byte[] password, byte[] message) {
        byte[] az = sha512(password);
        az[0] &= (byte) 248;
        az[31] &= 63;
        az[31] |= 64;
        BigInteger a = littleEndian(Arrays.copyOf(az, 32));
        byte[] publicKey = encode(multiply(BASE, a));
        BigInteger nonce = littleEndian(sha512(Arrays.copyOfRange(az, 32, 64), message)).mod(L);
        byte[] r = encode(multiply(BASE, nonce));
        BigInteger h = littleEndian(sha512(r, publicKey, message)).mod(L);
        byte[] s = toLittleEndian(h.multiply(a).add(nonce).mod(L));
        byte[] signature = Arrays.copyOf(r, 64);
        System.arraycopy(s, 0, signature, 32, 32);
        return signature;
    }

    /** The public key the password stands for (what {@code ed25519_password()} stores on the server, unencoded). */
    static byte[] publicKey(byte[] password) {
        byte[] az = sha512(password);
        az[0] &= (byte) 248;
        az[31] &= 63;
        az[31] |= 64;
        return encode(multiply(BASE, littleEndian(Arrays.copyOf(az, 32))));
    }

    private static BigInteger[] point(BigInteger x, BigInteger y) {
        return new BigInteger[] {x, y, BigInteger.ONE, x.multiply(y).mod(P)};
    }

    private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
        BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
        BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
        BigInteger c = p[3].multiply(BigInteger.TWO).multiply(D).multiply(q[3]).mod(P);
        BigInteger d = p[2].multiply(BigInteger.TWO).multiply(q[2]).mod(P);
        BigInteger e = b.subtract(a);
        BigInteger f = d.subtract(c);
        BigInteger g = d.add(c);
        BigInteger h = b.add(a);
        return new BigInteger[] {e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P)};
    }

    private static BigInteger[] multiply(BigInteger[] point, BigInteger scalar) {
        BigInteger[] result = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        BigInteger[] addend = point;
        for (int i = 0; i < scalar.bitLength(); i++) {
            if (scalar.testBit(i)) {
                result = add(result, addend);
            }
            addend = add(addend, addend);
        }
        return result;
    }

    private static byte[] encode(BigInteger[] point) {
        BigInteger zInverse = point[2].modInverse(P);
        BigInteger x = point[0].multiply(zInverse).mod(P);
        BigInteger y = point[1].multiply(zInverse).mod(P);
        byte[] bytes = toLittleEndian(y);
        if (x.testBit(0)) {
            bytes[31] |= (byte) 0x80;
        }
        return bytes;
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            big[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, big);
    }

    private static byte[] toLittleEndian(BigInteger value) {
        byte[] big = value.toByteArray();
        byte[] little = new byte[32];
        for (int i = 0; i < Math.min(32, big.length); i++) {
            little[i] = big[big.length - 1 - i];
        }
        return little;
    }

    private static byte[] sha512(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is part of every JDK", e);
        }
    }
}
