package dev.tracegate.cli.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracegate logout}: one issuer's sign-in, or all of them, forgotten. */
class LogoutCommandTest {

    private static SignInProvider provider;

    @TempDir
    Path home;

    @BeforeAll
    static void startProvider() {
        provider = new SignInProvider();
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    @Test
    void forgetsOneIssuerOrEverything() throws Exception {
        CredentialStore store = new CredentialStore(home.resolve("config/tracegate/credentials.json"));
        String first = provider.issuer(SignInProvider.PUBLIC);
        String second = provider.issuer(SignInProvider.CONFIDENTIAL);
        Browser.signIn(store, first);
        Browser.signIn(store, second, "--client-secret-file",
                Files.writeString(home.resolve("secret"), SignInProvider.CLIENT_SECRET).toString());

        CommandRun one = CommandRun.finish(new LogoutCommand(store), "--issuer", second);

        assertThat(one.exitStatus()).isZero();
        assertThat(one.out()).contains("Forgot the sign-in with " + second);
        assertThat(CommandRun.finish(token(store), "--issuer", second).err()).contains("not signed in to " + second);
        CommandRun remaining = CommandRun.finish(token(store));
        assertThat(remaining.exitStatus()).as("the other sign-in becomes the current one").isZero();
        assertThat(UnverifiedJwt.claims(remaining.out().strip()).path("iss").asText()).isEqualTo(first);

        CommandRun all = CommandRun.finish(new LogoutCommand(store));

        assertThat(all.exitStatus()).isZero();
        assertThat(all.out()).contains("Forgot the sign-in with " + first);
        assertThat(store.path()).doesNotExist();
        assertThat(CommandRun.finish(token(store)).exitStatus()).isEqualTo(1);
        assertThat(CommandRun.finish(new LogoutCommand(store)).out()).contains("Not signed in.");
    }

    @Test
    void deletesADamagedCredentialsFile() throws Exception {
        CredentialStore store = new CredentialStore(home.resolve("config/tracegate/credentials.json"));
        Files.createDirectories(store.path().getParent());
        Files.writeString(store.path(), "{not json");
        assertThat(CommandRun.finish(token(store)).err()).contains("is damaged; delete it and run tracegate login again");

        CommandRun logout = CommandRun.finish(new LogoutCommand(store));

        assertThat(logout.exitStatus()).isZero();
        assertThat(store.path()).doesNotExist();
    }

    private static TokenCommand token(CredentialStore store) {
        return new TokenCommand(store, Map.of(), Clock.systemUTC());
    }
}
