package dev.tracegate.ledger.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who created each service account's keys, as the bundle's {@code admin.action} events say
 * ({@code service_account.key.create}, {@code service_account.ssh_key.register}), wherever they
 * fall in it. The key's secret is shown once, to whoever created it: they hold it, so a command run
 * with it is as much theirs as the account's, and an approval given with it is theirs too. Read
 * from the events alone, so a key created before the bundle's first event is not known here.
 */
final class KeyCreators {
    private static final Set<String> CREATIONS = Set.of("service_account.key.create", "service_account.ssh_key.register");
    /** The issuer of service-account identities, whose subject is {@code sa:} and the account. */
    private static final String ISSUER = "tracegate";
    private static final String SUBJECT_PREFIX = "sa:";

    private final Map<String, List<ReportEvent.Actor>> byAccount = new HashMap<>();

    void accept(ReportEvent event) {
        String account = event.detailText("account");
        if (event.is(EventTypes.ADMIN_ACTION) && account != null && CREATIONS.contains(event.detailText("action"))) {
            byAccount.computeIfAbsent(account, a -> new ArrayList<>()).add(event.actor());
        }
    }

    /** Whoever created a key of {@code identity}'s service account, if it is one; empty otherwise. */
    List<ReportEvent.Actor> of(ReportEvent.Actor identity) {
        if (!ISSUER.equals(identity.issuer()) || identity.subject() == null || !identity.subject().startsWith(SUBJECT_PREFIX)) {
            return List.of();
        }
        return byAccount.getOrDefault(identity.subject().substring(SUBJECT_PREFIX.length()), List.of());
    }

    /** Whether {@code one} created a key of {@code other}'s service account, or the other way round. */
    boolean holdsTheKeyOf(ReportEvent.Actor one, ReportEvent.Actor other) {
        return of(other).stream().anyMatch(creator -> creator.samePersonAs(one) || one.samePersonAs(creator))
                || of(one).stream().anyMatch(creator -> creator.samePersonAs(other) || other.samePersonAs(creator));
    }
}
