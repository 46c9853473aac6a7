package dev.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracegate policy test}: the decision, the masking profile, and sample values as the caller would see them. */
class PolicyCommandTest {

    @Test
    void showsTheDecisionAndWhatTheCallerWouldSeeOfSampleValues(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, dev.tracegate.cli.demo.DemoPolicy.TEXT);
        String analyst = run("policy", "test", "--policy", policy.toString(), "--connection", "shop", "--as", "analysts",
                "--sample", "customers.card_number=4111 1111 1111 1111", "--sample", "customers.notes=call me at ada@example.com",
                "--sample", "customers.date_of_birth:date=1990-02-21", "SELECT * FROM customers");
        assertThat(analyst).contains("allow  rule=default  class=read")
                .contains("mask  rule=mask-personal-data  profile=personal-data")
                .contains("public.customers.card_number: 4111 1111 1111 1111 -> **** **** **** 1111  [CARD]")
                .contains("public.customers.notes: call me at ada@example.com -> call me at [EMAIL]  [EMAIL]")
                .contains("public.customers.date_of_birth: 1990-02-21 -> NULL  [DATE_OF_BIRTH]");
        String reader = run("policy", "test", "--policy", policy.toString(), "--connection", "shop", "--as",
                "analysts,pii-readers", "SELECT * FROM customers");
        assertThat(reader).contains("mask  none");
    }

    private static String run(String... args) {
        return CliOutput.run(args);
    }
}
