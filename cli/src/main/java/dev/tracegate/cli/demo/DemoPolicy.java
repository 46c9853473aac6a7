package dev.tracegate.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/** The demo's policy file (README, "Quick start"), as a newcomer finds it in the demo's data directory. */
public final class DemoPolicy {

    private DemoPolicy() {
    }

    /** SHA-256 of the policies earlier versions of the demo wrote; replaced by the current one unless someone edited them. */
    private static final Set<String> EARLIER_POLICY_SHA256 = Set.of(
            "b9ef74fdaf1ceacbfb428bfb6261465ca8d6843952de85719c20e7999139471e",  // guardrails only
            "9cb7554ce1658b25a2acb8a002215eb15c911766f2e9961973058a51be1ae543",  // and masking, before HTTP
            "1b992bc777f96f81aff71c62794f6c1a04ad7eb0bd4d5208904dc3ec03d8d312",  // and HTTP, before minClass and uses
            "5b9f3e021783bd0b0167838c5629feac2e19eecb0b28b93672fe673f4a686ccc",  // with uses, before minClass
            "95afbe4db2dc891f0440454ffa78d4d032b1ed7e414e4da8016d65263c12daeb",  // with minClass, before uses
            "32036a1d06022193bd001e6d2be8183fc211a55a2af0e396696f0e7bb8c9c473",  // before SSH
            "6d7305b5b796181644b50574f57cbd2314118d9ac03362e244754ec920753e42"); // before MySQL

    /**
     * The demo policy: masking; DDL and everything riskier (privilege changes)
     * held for a DBA on both shop databases (PostgreSQL's {@code shop}, MariaDB's {@code shop-mysql}), what cannot be classified or reaches outside the database blocked; trace
     * deletes held; bulk writes blocked; on the SSH host, shells allowed (and recorded), service and
 * configuration changes held, sudo and whatever cannot be classified blocked.
     */
    public static final String TEXT = """
            # The demo's policy (docs/policy.md). Edit it: the gateway reloads it within seconds.
            defaults:
              action: allow
              highRisk: block
            masking:
              record: personal-data        # what the evidence keeps of results, for everyone
              profiles:
                personal-data:             # docs/masking.md
                  hints: [email, phone, card, iban, ssn, ip, secret, person_name, date_of_birth]
                  strategies:
                    person_name: hash      # a stable pseudonym: rows can still be told apart and joined
                  columns:
                    - {match: customers.email, entity: email, strategy: "hash:format"}
                    - {match: customers.phone, entity: phone, strategy: "partial:4"}
                    - {match: customers.card_number, entity: card, strategy: "partial:4"}
                    - {match: customers.national_id, entity: ssn, strategy: "partial:4"}
                    - {match: customers.date_of_birth, entity: date_of_birth, strategy: redact, uses: [year]}
            rules:
              - name: mask-personal-data
                connections: [shop, shop-mysql, traces]
                exceptGroups: [pii-readers]
                mask: personal-data
              - name: hold-ddl
                connections: [shop, shop-mysql]
                minClass: ddl              # DDL and riskier: privilege changes too (unknown and dangerous stay blocked)
                action: approve
                approvers: [dba]
                timeout: 15m
                reason: schema and privilege changes on shop need a DBA's approval
              - name: no-bulk-writes
                classes: [bulk_write]
                action: block
                reason: UPDATE or DELETE without WHERE is not allowed
              - name: hold-trace-deletes
                connections: [traces]
                methods: [DELETE]
                action: approve
                approvers: [dba]
                timeout: 15m
                reason: deleting a reasoning trace needs a DBA's approval
              - name: ssh-shells
                connections: [host]
                operations: [shell]
                classes: [unknown]         # a shell runs whatever is typed: allowed here, recorded whole
                action: allow
              - name: hold-host-changes
                connections: [host]
                classes: [ddl, privilege]  # services, packages, permissions, writes under /etc
                action: approve
                approvers: [dba]
                timeout: 15m
                reason: changes to the host's services and configuration need a DBA's approval
            """;

    /** Written once so a newcomer's edits survive restarts; an unedited earlier version is brought up to date. */
    static void writeOnce(Path file) throws IOException {
        if (Files.exists(file) && !EARLIER_POLICY_SHA256.contains(sha256(Files.readAllBytes(file)))) {
            return;
        }
        Files.writeString(file, TEXT, StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
