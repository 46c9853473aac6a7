package dev.tracegate.masking.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmailDetectorTest {

    private static final Duration SUPER_LINEAR_GUARD = Duration.ofSeconds(30);

    private final EmailDetector detector = new EmailDetector();

    @Test
    void findsAddressesInProse() {
        assertThat(Finds.of(detector, "Write to alice.smith+news@example.co.uk or <bob_o'neil@mail.example.com>."))
                .containsExactly("alice.smith+news@example.co.uk", "bob_o'neil@mail.example.com");
    }

    @Test
    void sentencePunctuationAndQuotesStayOutside() {
        assertThat(Finds.of(detector, "mail: 'carol@example.org'. Thanks")).containsExactly("carol@example.org");
        assertThat(Finds.of(detector, "(dave@example.net), eve@example.io;")).containsExactly("dave@example.net", "eve@example.io");
    }

    @Test
    void internationalisedAddresses() {
        assertThat(Finds.of(detector, "josé.garcía@correo.example.es")).containsExactly("josé.garcía@correo.example.es");
        assertThat(Finds.of(detector, "x@xn--bcher-kva.example")).containsExactly("x@xn--bcher-kva.example");
    }

    /** No top-level domain holds a dash: what follows one is a suffix a target added (a version tag, a file's name). */
    @Test
    void anAddressWithASuffixAfterADashIsFound() {
        assertThat(Finds.of(detector, "W/\"ada@example.com-v3\" and bob@mail.example.org-backup-2024 today"))
                .containsExactly("ada@example.com", "bob@mail.example.org");
        assertThat(Finds.of(detector, "pkg@1.2.3-beta, lib@2.0.0-rc.1, x@host.1-a")).isEmpty();
    }

    /** An address literal is the address's domain: finding only the IP address inside left the local part in clear. */
    @Test
    void anAddressWhoseDomainIsAnAddressLiteralIsFoundWhole() {
        assertThat(Finds.of(detector, "mail ada.lovelace@[192.168.0.1] or grace@[IPv6:2001:db8::1]."))
                .containsExactly("ada.lovelace@[192.168.0.1]", "grace@[IPv6:2001:db8::1]");
        assertThat(Finds.of(detector, "x@[1.2.3] y@[a.b.c.d] z@[192.168.0.1")).isEmpty();
    }

    @Test
    void thingsWithAnAtSignThatAreNotAddresses() {
        assertThat(Finds.of(detector, "icon@2x.png and logo@3x.webp")).isEmpty();
        assertThat(Finds.of(detector, "user@localhost, @handle, npm i @angular/core@17.0.1")).isEmpty();
        assertThat(Finds.of(detector, "a..b@example.com .x@example.com@")).isEmpty();
        assertThat(Finds.of(detector, "price@5.00 and 10@20")).isEmpty();
    }

    @Test
    void urlEncodedAddressesInQueryStrings() {
        assertThat(Finds.of(detector, "GET /u?email=alice%40example.com&x=1 and 20%40 off")).containsExactly("alice%40example.com");
    }

    /** An {@code @} or a dot written as a browser, a JSON or URL decoder, or a person spelling it out would read it. */
    @Test
    void addressesWithTheirSignsEncodedOrSpelledOut() {
        for (String address : new String[] {"alice&#64;example.com", "alice&#064;example.com", "alice&#x40;example.com",
            "alice&#X40;example.com", "alice&commat;example.com", "alice&#64example.com", "alice\\u0040example.com",
            "alice\\x40example.com", "alice%40example%2Ecom", "alice&#64;example&#46;com", "alice(at)example(dot)com",
            "alice [at] example [dot] com", "alice {at} example.com", "alice (at) example.com", "alice@example[.]com",
            "alice@example(.)co(.)uk", "alice.smith(AT)example(DOT)com", "alice at example dot com",
            "alice dot smith at example dot co dot uk", "tom AT home DOT nl", "alice(at)example.com",
            "alice [ at ] example [ dot ] com", "alice ( at ) example ( . ) co ( . ) uk"}) {
            assertThat(Finds.of(detector, "write to " + address + " today")).as(address).containsExactly(address);
        }
    }

    @Test
    void quotedLocalParts() {
        assertThat(Finds.of(detector, "to: \"john doe\"@example.com, \"j..d\"@example.org"))
                .containsExactly("\"john doe\"@example.com", "\"j..d\"@example.org");
    }

    /** Mail software drops an RFC 5322 comment and reads the address around it: the comment was no address to the detector. */
    @Test
    void anAddressWithACommentIsFoundWhole() {
        assertThat(Finds.of(detector, "to ada(home)@example.com, grace@(work)navy.example.org and \"a b\"(c)@x.example.com."))
                .containsExactly("ada(home)@example.com", "grace@(work)navy.example.org", "\"a b\"(c)@x.example.com");
        assertThat(Finds.of(detector, "f(x)@w.T; (note)@example.com; ada(a(b))@example.com; g(x) @ y.T")).isEmpty();
    }

    /**
     * An address written backwards (a reversed column, a right-to-left display) reads as one to anyone who turns it
     * round; one with a dotted local part already read as an address forwards.
     */
    @Test
    void anAddressWrittenBackwardsIsFound() {
        assertThat(Finds.of(detector, "from moc.elpmaxe@ada, ku.oc.elpmaxe.liam@ecarg and gro.yvan@repooh."))
                .containsExactly("moc.elpmaxe@ada", "ku.oc.elpmaxe.liam@ecarg", "gro.yvan@repooh");
        assertThat(Finds.of(detector, "moc.elpmaxe@ecalevol.ada")).containsExactly("moc.elpmaxe@ecalevol.ada");
        assertThat(Finds.of(detector, "ssh ed.smith@bastion; user@localhost; x.foo@host; com.example@build; "
                + "a.moc@host; moc..x@a; _moc.x@a; 1.2@x")).isEmpty();
    }

    /** ROT13 keeps an address's shape: its top-level domain stays alphabetic, and that is all the detector asks of it. */
    @Test
    void anAddressInRot13KeepsItsShapeAndIsFound() {
        assertThat(Finds.of(detector, "nqn.ybirynpr@rknzcyr.pbz and tenpr@anil.rknzcyr.bet"))
                .containsExactly("nqn.ybirynpr@rknzcyr.pbz", "tenpr@anil.rknzcyr.bet");
    }

    /** "at" and "dot" are words of prose too: a spelled-out address needs both, a real top-level domain and no pronoun or verb before "at". */
    @Test
    void proseWithAtAndDotStays() {
        assertThat(Finds.of(detector, "look at example.com; we met at Starbucks dot com; it is at Example dot Com HQ; "
                + "deploy at prod dot cluster; arrived at 5 dot 30; the polka dot dress at the store; "
                + "(at) least; see [dot] notation; a[at] + b[dot]; R&D at work &amp; &#169; 100%; "
                + "follow @acme.io; C:\\Users\\at\\x")).isEmpty();
    }

    @Test
    void anAtSetOffBySpacesIsAnAddressWhenItReadsAsOne() {
        assertThat(Finds.of(detector, "write to ada.lovelace @ example.com or grace@ navy.example.org today"))
                .containsExactly("ada.lovelace @ example.com", "grace@ navy.example.org");
        assertThat(Finds.of(detector, "y = x @ w.T + b; z = a @ b.shape; meet me @ noon.com; see you @ home.; "
                + "follow @acme.io; @ example.com")).isEmpty();
    }

    /** People set the domain's dots off by spaces too, to keep crawlers off; a sentence after a spaced dot ends the address. */
    @Test
    void anAddressWithItsDotsSetOffBySpacesIsFound() {
        assertThat(Finds.of(detector, "write to ada @ example . com or grace@navy . example . org today"))
                .containsExactly("ada @ example . com", "grace@navy . example . org");
        assertThat(Finds.of(detector, "ssh to ada@host . It failed; y = x @ w . T; meet @ noon . com; z = a @ b . shape; "
                + "look at example . com; deploy at prod . cluster")).isEmpty();
    }

    @Test
    void quotedPrintableSpellsTheAtAndTheDot() {
        assertThat(Finds.of(detector, "Reply-To: ada.lovelace=40example.com, grace=40navy=2Eexample=2Eorg"))
                .containsExactly("ada.lovelace=40example.com", "grace=40navy=2Eexample=2Eorg");
        assertThat(Finds.of(detector, "?limit=40&page=2; width=40px; size=40.5; a=40 b.com")).isEmpty();
    }

    @Test
    void tooLongLocalPartIsNoAddress() {
        assertThat(Finds.of(detector, "a".repeat(65) + "@example.com")).isEmpty();
        assertThat(Finds.of(detector, "a".repeat(64) + "@example.com")).hasSize(1);
    }

    @Test
    void manyAtSignsCostLinearTime() {
        String text = "a@".repeat(500_000) + "b";
        // A bound far above a linear scan on a loaded machine and far below the super-linear one this
        // guards against (minutes): a guard against that class of defect, not a speed figure.
        assertTimeoutPreemptively(SUPER_LINEAR_GUARD, () -> assertThat(Finds.of(detector, text)).isEmpty());
    }

    /**
     * "at" as a word before a domain written plainly, as mailing-list archives and changelogs write
     * addresses, when brackets, a joined local part or the word in capitals say it is one.
     */
    @Test
    void anAtWordBeforeAPlainDomainWhenMoreThanTheWordSaysSo() {
        assertThat(Finds.of(detector, "Alan <alan.coopersmith at oracle.com>, (m.zinser at gsi.de), <ada at example.com>"))
                .containsExactly("alan.coopersmith at oracle.com", "m.zinser at gsi.de", "ada at example.com");
        assertThat(Finds.of(detector, "Reported by balu.gajjala AT gmail.com via bz3297; write to ada_l at example.co.uk"))
                .containsExactly("balu.gajjala AT gmail.com", "ada_l at example.co.uk");
        assertThat(Finds.of(detector, "look at example.com, write to support at example.com, notes.txt at example.com, "
                + "CKR_KEY_SIZE_RANGE at sun.security, v1.2 at github.com, LOOK AT EXAMPLE.COM, I AT example.com")).isEmpty();
    }

    /** An {@code @} in brackets, as threat reports defang addresses. */
    @Test
    void aBracketedAtSign() {
        assertThat(Finds.of(detector, "from ada[@]example.com, ada(@)example[.]com and ada [@] example.org"))
                .containsExactly("ada[@]example.com", "ada(@)example[.]com", "ada [@] example.org");
    }

    /**
     * Other stand-ins for the {@code @}: a glued {@code (a)} or {@code _at_}, and a space before the {@code @} only. Each
     * passed in clear before 2026-12-07. They count after a local part of joined words and before a domain with a
     * top-level domain people write, so a handle, code and prose stay.
     */
    @Test
    void otherStandInsForTheAtSign() {
        String[] disguised = {"ada.lovelace(a)example.com", "grace.hopper[a]navy.mil", "alan_turing{a}example.org",
            "ada.lovelace_at_example.com", "ADA.LOVELACE_AT_EXAMPLE.CO.UK", "ada.lovelace @example.com"};
        assertThat(Finds.of(detector, "mail " + String.join(", or ", disguised) + ".")).containsExactly(disguised);
        for (String ordinary : new String[] {"follow @acme.io", "f(a)x.y", "sum(a)b.total", "value_at_risk.py",
            "get_at_index.json", "src/xlat/name_to_handle_at_flags.in", "ada(a)example.com", "list(a)items.length", "meet at 5 at example.com's office",
            "look at the docs", "x at y", "@decorator.method", "foo @bar.baz", "option (a) example.com"}) {
            assertThat(Finds.of(detector, ordinary)).as(ordinary).isEmpty();
        }
    }
}
