package dev.tracegate.gateway;

import dev.tracegate.gateway.api.ApiServer;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.identity.ApiKeyVerifier;
import dev.tracegate.gateway.identity.IdentityVerifier;
import dev.tracegate.gateway.postgres.PostgresListener;
import dev.tracegate.gateway.recording.SessionQueries;
import dev.tracegate.gateway.store.Store;
import dev.tracegate.gateway.tls.GatewayTls;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: store, evidence log, identity, the PostgreSQL listener and the API, started
 * in dependency order and stopped in reverse, so the last sessions' events reach the log.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Store store;
    private final EvidenceLog evidence;
    private final PostgresListener postgres;
    private final ApiServer api;

    private Gateway(GatewayConfig config, Store store, EvidenceLog evidence, PostgresListener postgres, ApiServer api) {
        this.config = config;
        this.store = store;
        this.evidence = evidence;
        this.postgres = postgres;
        this.api = api;
    }

    public static Gateway start(GatewayConfig config) throws IOException {
        Files.createDirectories(config.dataPath());
        GatewayTls tls = GatewayTls.load(config.tls(), config.dataPath());
        IdentityVerifier identities = new ApiKeyVerifier(config.identities().apiKeys());
        Store store = Store.open(config.store(), config.dataPath());
        EvidenceLog evidence = null;
        PostgresListener postgres = null;
        try {
            evidence = new EvidenceLog(store,
                    store.embedded() ? config.dataPath().resolve("evidence-journal") : null, config.evidence().fsync());
            postgres = new PostgresListener(config.listeners().postgres(), tls, identities,
                    name -> config.connection(name).orElse(null), evidence, config.maxMessageBytes());
            ApiServer api = new ApiServer(config.listeners().api(), identities, new SessionQueries(evidence), evidence);
            LOG.info("gateway started: postgres on {}, api on {}", postgres.port(), api.port());
            return new Gateway(config, store, evidence, postgres, api);
        } catch (IOException | RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            if (evidence != null) {
                evidence.close();
            }
            store.close();
            throw e;
        }
    }

    public int postgresPort() {
        return postgres.port();
    }

    public int apiPort() {
        return api.port();
    }

    public GatewayConfig config() {
        return config;
    }

    public EvidenceLog evidence() {
        return evidence;
    }

    public Store store() {
        return store;
    }

    @Override
    public void close() {
        api.close();
        postgres.close();
        evidence.close();
        store.close();
        LOG.info("gateway stopped");
    }
}
