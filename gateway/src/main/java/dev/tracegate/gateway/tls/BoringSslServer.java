package dev.tracegate.gateway.tls;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCounted;
import java.lang.ref.Cleaner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Server-side TLS by BoringSSL (Netty's statically linked tcnative build), with the gateway's own
 * key and certificate chain.
 *
 * <p>Why: a handshake in the JDK is Java code the JIT has not compiled when a reconnect storm
 * arrives after a restart; BoringSSL's is native from the first connection and cheaper warm too
 * (measured in {@code TlsHandshakeCostBenchmark}). The protocols are the JDK path's (TLS 1.3 and
 * 1.2) and the cipher suites BoringSSL's defaults for them (AEAD only). ALPN offers
 * {@code postgresql} and never fails the handshake for another protocol: the session refuses a
 * direct-TLS client that did not agree on it, as PostgreSQL 17 does.
 *
 * <p>The context and its engines are Netty's reference-counted ones ({@link SslProvider#OPENSSL_REFCNT}), not the
 * finalized ones: every connection's engine is released when its connection closes ({@link EngineTlsSocket}), so a
 * finalizer per engine was only cost (registered at each allocation, and two collections and the finalizer thread
 * before its memory went back) in a storm of connections. The context is released when this server is unreachable.
 */
final class BoringSslServer {

    /** Releases a context whose server is gone (a gateway stopped in-process, as the tests do). */
    private static final Cleaner CONTEXTS = Cleaner.create();

    private final SslContext context;

    private BoringSslServer(SslContext context) {
        this.context = context;
        ReferenceCounted counted = (ReferenceCounted) context;
        CONTEXTS.register(this, counted::release);
    }

    /** Why BoringSSL cannot run here, or empty when it can. */
    static Optional<String> unavailability() {
        if (OpenSsl.isAvailable()) {
            return Optional.empty();
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        return Optional.of(cause == null ? "unknown reason" : cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** A server for the first key entry of {@code store}. */
    static BoringSslServer of(KeyStore store, char[] password) throws GeneralSecurityException, SSLException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                PrivateKey key = (PrivateKey) store.getKey(alias, password);
                Certificate[] chain = store.getCertificateChain(alias);
                X509Certificate[] certificates = Arrays.copyOf(chain, chain.length, X509Certificate[].class);
                SslContext context = SslContextBuilder.forServer(key, certificates)
                        .sslProvider(SslProvider.OPENSSL_REFCNT)
                        .protocols("TLSv1.3", "TLSv1.2")
                        .clientAuth(ClientAuth.NONE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                GatewayTls.POSTGRES_ALPN))
                        .build();
                return new BoringSslServer(context);
            }
        }
        throw new GeneralSecurityException("the keystore holds no private key");
    }

    /**
     * A server-mode engine for one connection. Its native state is freed when the connection
     * closes ({@link EngineTlsSocket#close}), or when the connection could not be set up around it.
     */
    SSLEngine newEngine() {
        // Unpooled: the connection hands the engine direct buffers, so it allocates nothing of its own per record.
        return context.newEngine(UnpooledByteBufAllocator.DEFAULT);
    }
}
