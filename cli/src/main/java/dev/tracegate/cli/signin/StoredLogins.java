package dev.tracegate.cli.signin;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything in the credentials file: one sign-in per issuer, and which issuer was signed in to
 * most recently (the one {@code tracegate token} uses unless told otherwise).
 *
 * @param current null when there is no sign-in
 */
record StoredLogins(String current, Map<String, StoredLogin> byIssuer) {

    StoredLogins {
        byIssuer = Collections.unmodifiableMap(new LinkedHashMap<>(byIssuer));
    }

    static StoredLogins empty() {
        return new StoredLogins(null, Map.of());
    }

    /** With {@code login} stored and made the current sign-in. */
    StoredLogins signedIn(StoredLogin login) {
        Map<String, StoredLogin> logins = new LinkedHashMap<>(byIssuer);
        logins.put(login.issuer(), login);
        return new StoredLogins(login.issuer(), logins);
    }

    /** With {@code login}'s tokens replaced, leaving the current sign-in as it was. */
    StoredLogins renewed(StoredLogin login) {
        Map<String, StoredLogin> logins = new LinkedHashMap<>(byIssuer);
        logins.put(login.issuer(), login);
        return new StoredLogins(current, logins);
    }

    /** Without the sign-in of {@code issuer}; the most recent remaining one becomes current. */
    StoredLogins without(String issuer) {
        Map<String, StoredLogin> logins = new LinkedHashMap<>(byIssuer);
        logins.remove(issuer);
        String newCurrent = issuer.equals(current)
                ? logins.values().stream().max(Comparator.comparing(StoredLogin::signedInAt)).map(StoredLogin::issuer).orElse(null)
                : current;
        return new StoredLogins(newCurrent, logins);
    }

    /** The sign-in of {@code issuer} (a trailing slash aside), or the current one when it is null. */
    Optional<StoredLogin> find(String issuer) {
        if (issuer == null) {
            return Optional.ofNullable(current).map(byIssuer::get);
        }
        String wanted = ProviderMetadata.withoutTrailingSlash(issuer);
        return byIssuer.values().stream()
                .filter(login -> ProviderMetadata.withoutTrailingSlash(login.issuer()).equals(wanted))
                .findFirst();
    }

    boolean isEmpty() {
        return byIssuer.isEmpty();
    }
}
