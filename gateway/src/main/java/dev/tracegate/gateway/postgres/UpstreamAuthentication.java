package dev.tracegate.gateway.postgres;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.util.TlsServerEndpoint;
import dev.tracegate.gateway.config.PostgresConnectionConfig;
import dev.tracegate.gateway.config.UpstreamAuth;
import dev.tracegate.wire.postgres.PgFrameWriter;
import dev.tracegate.wire.postgres.backend.Authentication;
import dev.tracegate.wire.postgres.backend.AuthenticationCleartextPassword;
import dev.tracegate.wire.postgres.backend.AuthenticationMd5Password;
import dev.tracegate.wire.postgres.backend.AuthenticationOk;
import dev.tracegate.wire.postgres.backend.AuthenticationSasl;
import dev.tracegate.wire.postgres.backend.AuthenticationSaslContinue;
import dev.tracegate.wire.postgres.backend.AuthenticationSaslFinal;
import dev.tracegate.wire.postgres.backend.AuthenticationUnsupported;
import dev.tracegate.wire.postgres.frontend.PasswordMessage;
import dev.tracegate.wire.postgres.frontend.SaslInitialResponse;
import dev.tracegate.wire.postgres.frontend.SaslResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * The gateway's side of one upstream login. Whoever answers at the upstream address may ask for
 * the held password, so each request is checked against the connection's {@code upstreamAuth}
 * before the password is used in any form: a weaker request is refused, and so is an
 * AuthenticationOk that arrives before the method the connection requires has completed. With
 * SCRAM the server must also prove it knows the password's verifier (its final signature), and
 * over TLS the exchange is bound to the server's certificate (tls-server-end-point) when the server
 * offers SCRAM-SHA-256-PLUS, so a man in the middle cannot relay it to the real server.
 */
final class UpstreamAuthentication {

    private static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    private static final String SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the exchange stands; each server request is only valid in one of them. */
    private enum Stage { STARTED, PASSWORD_SENT, SCRAM_FIRST_SENT, SCRAM_FINAL_SENT, SCRAM_VERIFIED, ACCEPTED }

    private final PostgresConnectionConfig connection;
    /** The hash of the server's certificate for channel binding, or null without TLS. */
    private final byte[] channelBinding;
    private final ScramKeys scramKeys;
    private Stage stage = Stage.STARTED;
    private UpstreamAuth performed = UpstreamAuth.TRUST;
    private ScramClient scram;
    private List<String> scramMechanisms;
    private String scramNonce;
    private String scramFirst;

    private UpstreamAuthentication(PostgresConnectionConfig connection, byte[] channelBinding, ScramKeys scramKeys) {
        this.connection = connection;
        this.channelBinding = channelBinding;
        this.scramKeys = scramKeys;
    }

    /**
     * A login over {@code socket}: bound to the server's certificate when it is a TLS socket.
     * {@code scramKeys} keeps the SCRAM keys derived in earlier logins, so PBKDF2 runs once per
     * password and salt rather than once per session.
     */
    static UpstreamAuthentication over(PostgresConnectionConfig connection, Socket socket, ScramKeys scramKeys)
            throws UpstreamException {
        if (!(socket instanceof SSLSocket tls)) {
            return new UpstreamAuthentication(connection, null, scramKeys);
        }
        try {
            // tls-server-end-point (RFC 5929): the hash of the certificate the server presented.
            Certificate[] chain = tls.getSession().getPeerCertificates();
            return new UpstreamAuthentication(connection,
                    TlsServerEndpoint.getChannelBindingData((X509Certificate) chain[0]), scramKeys);
        } catch (SSLPeerUnverifiedException | CertificateEncodingException | ClassCastException e) {
            throw new UpstreamException("08001", "connection " + connection.name()
                    + ": cannot read the upstream's TLS certificate for channel binding", e);
        }
    }

    /** Answers one authentication request of the server, or refuses the upstream. */
    void answer(Authentication request, PgFrameWriter writer) throws IOException, UpstreamException {
        if (stage == Stage.ACCEPTED) {
            throw refused("sent another authentication request after AuthenticationOk");
        }
        switch (request) {
            case AuthenticationOk ok -> acceptOk();
            case AuthenticationCleartextPassword cleartext -> {
                allow(UpstreamAuth.PASSWORD, "the password in clear (AuthenticationCleartextPassword)");
                writer.write(PasswordMessage.cleartext(password()).encode());
                passwordSent(UpstreamAuth.PASSWORD);
            }
            case AuthenticationMd5Password md5 -> {
                allow(UpstreamAuth.MD5, "an MD5 password hash (AuthenticationMD5Password)");
                writer.write(PasswordMessage.md5(connection.username(), password(), md5.salt()).encode());
                passwordSent(UpstreamAuth.MD5);
            }
            case AuthenticationSasl sasl -> writer.write(startScram(sasl.mechanisms()).encode());
            case AuthenticationSaslContinue next -> writer.write(continueScram(next.data()).encode());
            case AuthenticationSaslFinal last -> finishScram(last.data());
            case AuthenticationUnsupported unsupported -> throw refused("asks for an authentication method the gateway"
                    + " does not support (" + unsupported.method() + ")");
        }
        writer.flush();
    }

    private void acceptOk() throws UpstreamException {
        if (stage == Stage.SCRAM_FIRST_SENT || stage == Stage.SCRAM_FINAL_SENT) {
            throw refused("sent AuthenticationOk before SCRAM completed: a server that has not proved it knows the"
                    + " password is not trusted");
        }
        if (!connection.upstreamAuth().acceptsAtLeast(performed)) {
            throw refused("let the gateway in " + (performed == UpstreamAuth.TRUST ? "without asking for the password"
                    : "after only " + performed.configName() + " authentication") + ", but upstreamAuth is "
                    + connection.upstreamAuth().configName() + ": a server that does not check the password may not be"
                    + " the real one");
        }
        stage = Stage.ACCEPTED;
    }

    /** A server that says it is ready without ever saying AuthenticationOk has not let the gateway in. */
    void requireCompleted() throws UpstreamException {
        if (stage != Stage.ACCEPTED) {
            throw refused("said it was ready for queries before authentication completed");
        }
    }

    private void allow(UpstreamAuth method, String asked) throws UpstreamException {
        if (stage != Stage.STARTED) {
            throw refused("asked for " + asked + " in the middle of another authentication exchange");
        }
        if (!connection.upstreamAuth().acceptsAtLeast(method)) {
            throw refused("asked for " + asked + ", but upstreamAuth is " + connection.upstreamAuth().configName()
                    + "; the held password is not sent (the server's pg_hba.conf must ask for scram-sha-256, or the"
                    + " connection must allow " + method.configName() + ")");
        }
    }

    private void passwordSent(UpstreamAuth method) {
        stage = Stage.PASSWORD_SENT;
        performed = method;
    }

    private SaslInitialResponse startScram(List<String> mechanisms) throws UpstreamException {
        if (stage != Stage.STARTED) {
            throw refused("started SCRAM in the middle of another authentication exchange");
        }
        boolean plus = channelBinding != null && mechanisms.contains(SCRAM_SHA_256_PLUS);
        if (connection.upstreamAuth() == UpstreamAuth.SCRAM_PLUS && !plus) {
            throw refused("offers " + mechanisms + " without channel binding, but upstreamAuth is scram-plus");
        }
        if (!plus && !mechanisms.contains(SCRAM_SHA_256)) {
            throw refused("offers only " + mechanisms + "; the gateway speaks SCRAM-SHA-256 and SCRAM-SHA-256-PLUS");
        }
        scramMechanisms = plus ? List.of(SCRAM_SHA_256, SCRAM_SHA_256_PLUS) : List.of(SCRAM_SHA_256);
        scramNonce = ScramFunctions.nonce(24, RANDOM);
        scram = scramClient(ScramClient.builder().advertisedMechanisms(scramMechanisms).username("*")
                .password(password().toCharArray()));
        stage = Stage.SCRAM_FIRST_SENT;
        scramFirst = scram.clientFirstMessage().toString();
        return new SaslInitialResponse(scram.getScramMechanism().getName(), scramFirst.getBytes(StandardCharsets.UTF_8));
    }

    private ScramClient scramClient(ScramClient.FinalBuildStage builder) {
        builder.nonceSupplier(() -> scramNonce);
        if (channelBinding != null) {
            // Also without PLUS on offer: the client-first message then says "y" (could bind, server did not
            // offer), which a PLUS-capable server refuses, so a middle man cannot strip PLUS from the list.
            builder.channelBinding(TlsServerEndpoint.TLS_SERVER_END_POINT, channelBinding);
        }
        return builder.build();
    }

    /**
     * Answers the server's challenge with keys for its salt and iteration count, derived once per
     * password and salt ({@link ScramKeys}): the client that continues is built from those keys,
     * with the same nonce, mechanism and channel binding as the first message it sent.
     */
    private SaslResponse continueScram(byte[] serverFirst) throws UpstreamException {
        requireStage(Stage.SCRAM_FIRST_SENT, "a SCRAM challenge");
        String challenge = new String(serverFirst, StandardCharsets.UTF_8);
        try {
            ServerFirstMessage parsed = ServerFirstMessage.parseFrom(challenge, scramNonce);
            ScramKeys.Keys keys = scramKeys.keys(connection.name(), connection.username(), password(), parsed.getSalt(),
                    parsed.getIterationCount());
            ScramClient keyed = scramClient(ScramClient.builder().advertisedMechanisms(scramMechanisms).username("*")
                    .clientAndServerKey(keys.clientKey(), keys.serverKey()));
            if (!keyed.clientFirstMessage().toString().equals(scramFirst)) {
                throw new IllegalStateException("the keyed SCRAM client would not continue the first message sent");
            }
            keyed.serverFirstMessage(challenge);
            scram = keyed;
        } catch (UpstreamException e) {
            throw e;
        } catch (Exception e) {
            throw refused("sent a malformed SCRAM challenge");
        }
        stage = Stage.SCRAM_FINAL_SENT;
        return new SaslResponse(scram.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8));
    }

    private void finishScram(byte[] serverFinal) throws UpstreamException {
        requireStage(Stage.SCRAM_FINAL_SENT, "a SCRAM final message");
        try {
            // Checks the server's signature: a server that does not hold the password's verifier cannot make it.
            scram.serverFinalMessage(new String(serverFinal, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw refused("failed SCRAM server verification: its signature does not prove it knows the password");
        }
        stage = Stage.SCRAM_VERIFIED;
        performed = scram.getScramMechanism().isPlus() ? UpstreamAuth.SCRAM_PLUS : UpstreamAuth.SCRAM;
    }

    private void requireStage(Stage expected, String what) throws UpstreamException {
        if (stage != expected) {
            throw refused("sent " + what + " out of order");
        }
    }

    private String password() throws UpstreamException {
        if (connection.password() == null) {
            throw refused("asks for a password but none is configured (upstreamAuth trust)");
        }
        return connection.password().resolve();
    }

    private UpstreamException refused(String why) {
        return new UpstreamException("08001", "connection " + connection.name() + ": the upstream server " + why, null);
    }
}
