package dev.tracegate.ledger.identity;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * The mailbox an email address reaches, in one form, so that two identities of one person are
 * seen as one however each of their sources wrote the address: {@code Alice@Example.com},
 * {@code alice@example.com.} (a fully qualified domain), {@code ａｌｉｃｅ@example.com} (full-width
 * letters), {@code alice+dba@example.com} (a sub-address, RFC 5233, delivered to alice) and
 * {@code alice@bücher.example} or its ASCII form {@code alice@xn--bcher-kva.example}.
 *
 * <p>Why so lenient: it decides only who is <em>the same person</em> for approvals (nobody
 * approves their own command or counts twice): the gateway refuses such an approval, and the
 * auditor's report lists one its log holds. It is in the ledger so that both read one person alike. Reading two people as one costs an approval that
 * must come from someone else; reading one person as two lets them approve themselves.
 *
 * @param address the normalised address: NFKC, lower case, without a sub-address or a trailing dot
 */
public record Mailbox(String address) {

    /** The mailbox {@code email} reaches; empty for no address or one without a local part and domain. */
    public static Optional<Mailbox> of(String email) {
        if (email == null) {
            return Optional.empty();
        }
        String folded = Normalizer.normalize(email, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
        int at = folded.lastIndexOf('@');
        if (at <= 0 || at == folded.length() - 1) {
            return Optional.empty();
        }
        String local = folded.substring(0, at);
        int tag = local.indexOf('+');
        if (tag > 0) {
            local = local.substring(0, tag);
        }
        String domain = folded.substring(at + 1);
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Mailbox(local + "@" + asciiDomain(domain)));
    }

    /** The domain's ASCII form, so a Unicode domain and its punycode are one; as written when it has none. */
    private static String asciiDomain(String domain) {
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain;
        }
    }
}
