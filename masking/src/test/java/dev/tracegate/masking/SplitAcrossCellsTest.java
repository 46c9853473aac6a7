package dev.tracegate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A row's cells read together: before 2026-12-06 each cell was scanned alone, and a secret a result split across a
 * row's columns, or a value whose name was the cell before it, reached masked callers in clear.
 */
class SplitAcrossCellsTest {

    private static final String LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    private static final String GITHUB_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

    private final SplitAcrossCells split = new SplitAcrossCells(MaskingProfile.defaults());

    private EntityType[] parts(String... cells) {
        return split.partsOf(cells);
    }

    @Test
    void aPrivateKeyOneLineAColumnIsMaskedAfterItsHeaderOrFromItsBody() {
        assertThat(parts("1", "-----BEGIN PRIVATE KEY-----", LINE, LINE, "AB12==", "-----END PRIVATE KEY-----", "ops"))
                .containsExactly(null, null, EntityType.SECRET, EntityType.SECRET, EntityType.SECRET, EntityType.SECRET, null);
        assertThat(parts("2", LINE, LINE, "AB12==")).containsExactly(null, EntityType.SECRET, EntityType.SECRET, EntityType.SECRET);
    }

    /**
     * An address cut inside its domain between a cell and the next (psql's expanded output of a value with a line
     * break in it, a row that keeps an address in two columns): before 2026-12-07 neither cell was an address and both
     * reached masked callers in clear. A complete address ending a sentence before the next word stays its own find.
     */
    @Test
    void anAddressCutInsideItsDomainBetweenTwoCellsIsMaskedInBoth() {
        assertThat(parts("1", "ada.lovelace@exam", "ple.com")).containsExactly(null, EntityType.EMAIL, EntityType.EMAIL);
        assertThat(parts("to ada@example.c", "om", "ok")).containsExactly(EntityType.EMAIL, EntityType.EMAIL, null);
        assertThat(parts("Thanks", "to", "anton@genua.de.", "Closes:")).isNull();
        assertThat(parts("Merge", "with", "pypa/distutils@788cc159.", "Includes")).isNull();
        assertThat(parts("git@github", "main")).isNull();
    }

    /**
     * An address cut inside its local part between a cell and the next ({@code ada.love | lace@example.com}): the second
     * is an address by itself, and before 2026-12-07 the first reached masked callers in clear. A piece reads as a local
     * part's when it ends in a letter and has a dot, an underscore or a digit inside it; a word, a number, a piece with
     * a space in it and a cell not right before the address stay.
     */
    @Test
    void anAddressCutInsideItsLocalPartBetweenTwoCellsIsMaskedInBoth() {
        assertThat(parts("1", "ada.love", "lace@example.com")).containsExactly(null, EntityType.EMAIL, EntityType.EMAIL);
        assertThat(parts("ada_l", "ovelace@example.com today", "x")).containsExactly(EntityType.EMAIL, EntityType.EMAIL, null);
        assertThat(parts("ada.love", null, "lace@example.com")).containsExactly(EntityType.EMAIL, null, EntityType.EMAIL);
        assertThat(parts("admin", "ops@example.com")).isNull();
        assertThat(parts("example.com", "ada@example.com")).isNull();
        assertThat(parts("mail.example.de", "ada@example.com")).isNull();
        assertThat(parts("seeds.json", "ada@example.com")).isNull();
        assertThat(parts("20261207", "ops@example.com")).isNull();
        assertThat(parts("mail ada.love", "lace@example.com")).isNull();
        assertThat(parts("ada.love", "7", "lace@example.com")).isNull();
        assertThat(parts("ada.love", "to lace@example.com")).isNull();
    }

    @Test
    void aJwtsPartsInColumnsOfTheirOwnAreMasked() {
        String header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        String payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
        String signature = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assertThat(parts("7", header, payload, signature))
                .containsExactly(null, EntityType.SECRET, EntityType.SECRET, EntityType.SECRET);
        assertThat(parts(payload, signature, "active")).containsExactly(EntityType.SECRET, EntityType.SECRET, null);
        assertThat(parts(header + "." + payload + ".", signature)).containsOnly(EntityType.SECRET);
    }

    @Test
    void aKeyOrAnAssignmentCutBetweenTwoCellsIsMaskedInBoth() {
        assertThat(parts("3", GITHUB_TOKEN.substring(0, 18), GITHUB_TOKEN.substring(18), "ci"))
                .containsExactly(null, EntityType.SECRET, EntityType.SECRET, null);
        assertThat(parts("tok: " + GITHUB_TOKEN.substring(0, 10), GITHUB_TOKEN.substring(10, 25), GITHUB_TOKEN.substring(25)))
                .containsOnly(EntityType.SECRET);
        assertThat(parts("db password=", "Tr0ub4dor&3xQ")).containsExactly(null, EntityType.SECRET);
    }

    /**
     * A card is printed in groups of three to six digits, so an id beside a date (2026-12-04) is not
     * read as a card's pieces (the card detector never took such a join for a card, but every row with
     * an id and a date was scanned twice over to find that out: about 4 us a five-column row, 1.1 us
     * now); an American Express card's 4-6-5 split still is.
     */
    /**
     * A card cut between neighbouring cells inside a group or in a run written without groups, as {@code substr} or
     * {@code left} and {@code right} cut it: before 2026-12-07 only whole groups were read across cells. Numbers side by
     * side that make no card, and a card's pieces apart (not neighbours), stay.
     */
    @Test
    void aCardCutInsideAGroupOrARunBetweenNeighbouringCellsIsMasked() {
        assertThat(parts("7", "4111 11", "11 1111 1111", "visa")).containsExactly(null, EntityType.CARD, EntityType.CARD, null);
        assertThat(parts("41111111", "11111111")).containsExactly(EntityType.CARD, EntityType.CARD);
        assertThat(parts("4111-1111-11", "11-1111")).containsExactly(EntityType.CARD, EntityType.CARD);
        assertThat(parts("41111", "111111111", "11")).containsOnly(EntityType.CARD);
        assertThat(parts("12345678", "87654321")).isNull();
        assertThat(parts("4111 11", "paid", "11 1111 1111")).isNull();
    }

    @Test
    void anIdBesideADateIsNotACardsPiecesButAFourSixFiveCardIs() {
        for (int id = 41_234_560; id < 41_234_600; id++) {
            assertThat(parts(Integer.toString(id), "2026-12-04", "paid")).as("id %d", id).isNull();
        }
        assertThat(parts("3782 822463", "10005", "amex")).containsExactly(EntityType.CARD, EntityType.CARD, null);
        assertThat(parts("4111 1111", "1111 1111")).containsExactly(EntityType.CARD, EntityType.CARD);
    }

    @Test
    void aValueNamedByTheCellBeforeItIsMaskedAsItsNameSays() {
        assertThat(parts("smtp_password", "hunter2hunter2")).containsExactly(null, EntityType.SECRET);
        assertThat(parts("date_of_birth", "1985-03-02")).containsExactly(null, EntityType.DATE_OF_BIRTH);
        assertThat(parts("ssn", "536221234")).containsExactly(null, EntityType.SSN);
        // a name of a shaped entity masks only what its detector finds after it
        assertThat(parts("email", "delivered", "sms", "queued")).isNull();
    }

    @Test
    void anAddressCutAtItsAtBetweenCellsIsMaskedInEach() {
        assertThat(parts("1", "ada.lovelace@", "example.com", "paid"))
                .containsExactly(null, EntityType.EMAIL, EntityType.EMAIL, null);
        assertThat(parts("ada.lovelace", "@example.com")).containsOnly(EntityType.EMAIL);
        assertThat(parts("contact: grace", "@", "example.org")).containsOnly(EntityType.EMAIL);
        // the caller chooses the columns and their order: pieces apart or reversed are paired as well
        assertThat(parts("example.com", "3", "ada.lovelace@")).containsExactly(EntityType.EMAIL, null, EntityType.EMAIL);
        assertThat(parts("example.org", "@", "grace")).containsOnly(EntityType.EMAIL);
        // the cost: with an @ alone in a cell, any word before a domain makes an address with it
        assertThat(parts("example.org", "@", "7", "grace")).containsOnly(EntityType.EMAIL);
        // too many cells with an @ to pair: each cut at an @ is masked
        assertThat(parts("a@", "c@", "e@", "g@", "i@", "k@", "m@", "o@", "ada.lovelace@", "example.com", "ada@example.com"))
                .containsExactly(EntityType.EMAIL, EntityType.EMAIL, EntityType.EMAIL, EntityType.EMAIL, EntityType.EMAIL,
                        EntityType.EMAIL, EntityType.EMAIL, EntityType.EMAIL, EntityType.EMAIL, null, null);
        // no @ at the cut: a user and a host as often as an address
        assertThat(parts("ada", "example.com")).isNull();
        assertThat(parts("ops", "@team")).isNull();
    }

    @Test
    void aCardsGroupsInNeighbouringCellsAreMaskedInEach() {
        assertThat(parts("7", "4111 1111", "1111 1111", "visa"))
                .containsExactly(null, EntityType.CARD, EntityType.CARD, null);
        assertThat(parts("5500-0000", "0000", "0004")).containsOnly(EntityType.CARD);
        assertThat(parts("1111 1111", "visa", "4111 1111")).containsExactly(EntityType.CARD, null, EntityType.CARD);
        // too many cells of digit groups to order every way: all of them masked
        assertThat(parts("4111 1111", "1", "2", "3", "4", "5", "1111 1111")).containsOnly(EntityType.CARD);
        // plain groups one a cell are read in the row's order, as neighbours only (any order would make cards of codes)
        assertThat(parts("4111", "1111", "1111", "1111")).containsOnly(EntityType.CARD);
        assertThat(parts("id", "3782", "822463", "10005", "amex")).containsExactly(null, EntityType.CARD, EntityType.CARD,
                EntityType.CARD, null);
        assertThat(parts("1111", "1111", "1111", "4111")).isNull();
        assertThat(parts("4111", "1111", "x", "1111", "1111")).isNull();
        assertThat(parts("2024 05", "1234 5678")).isNull();
    }

    @Test
    void ordinaryRowsSplitNothing() {
        assertThat(parts("1", "Person 1", "ada@example.com", "paid", "EUR", "2024-05-01 12:30")).isNull();
        assertThat(parts("https://example.com/a?b=c", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")).isNull();
        assertThat(parts("eyJwYWdlIjoyfQ", "next", null, "status")).isNull();
    }

    /**
     * A password split from its name other than name first and value next, as the caller may order the columns:
     * before 2026-12-07 a key-value table read value first, an assignment after its value and a name cut in two
     * before its value were left in clear. A value before a name is read for secrets only.
     */
    @Test
    void aPasswordSplitFromItsNameInAnyOrderIsMasked() {
        assertThat(parts("Tr0ub4dor&3xQ", "smtp_password")).containsExactly(EntityType.SECRET, null);
        assertThat(parts("7", "Hunt3r2Hunt3r2", "db password=")).containsExactly(null, EntityType.SECRET, null);
        assertThat(parts("pass", "word=", "Corr3ctH0rse!")).containsExactly(null, EntityType.SECRET, EntityType.SECRET);
        assertThat(parts("postgres://app:", "s3cret@db:5432/x")).containsExactly(null, EntityType.SECRET);
        assertThat(parts("channel", "email")).isNull();
        assertThat(parts("Ada", "name")).isNull();
        assertThat(parts("a long note", "db password=")).isNull();
        assertThat(parts("kind", "Secret")).as("a label before a name: a Kubernetes Secret's JSON line").isNull();
    }
}
