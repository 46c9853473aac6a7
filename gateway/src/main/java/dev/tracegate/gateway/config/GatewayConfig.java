package dev.tracegate.gateway.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole configuration: one YAML file, documented key by key in {@code docs/configuration.md}.
 *
 * @param dataDir         where generated state lives (store, TLS certificate, keys)
 * @param listeners       listening sockets
 * @param tls             the gateway's certificate
 * @param store           sessions and evidence store
 * @param evidence        evidence log settings
 * @param identities      who may authenticate
 * @param connections     the targets
 * @param maxMessageBytes largest client message the gateway accepts (bigger ones close the session)
 * @param policyFile      the policy (docs/policy.md), reloaded when it changes; absent: allow all but high risk
 * @param approvals       notifications for held commands
 * @param masking         the key of hash masking strategies (the profiles are in the policy file)
 * @param console         how people sign in to the web console
 * @param limits          what one identity or one address may hold and start, in every protocol
 * @param mcp             the MCP endpoint for AI agents and its limits
 * @param siem            forwarding evidence events to a SIEM (none by default)
 */
public record GatewayConfig(
        String dataDir,
        ListenersConfig listeners,
        TlsConfig tls,
        StoreConfig store,
        EvidenceConfig evidence,
        IdentitiesConfig identities,
        List<ConnectionConfig> connections,
        int maxMessageBytes,
        String policyFile,
        ApprovalsConfig approvals,
        MaskingSettings masking,
        ConsoleConfig console,
        CallerLimits limits,
        McpConfig mcp,
        SiemConfig siem) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    public GatewayConfig {
        dataDir = dataDir == null ? "tracegate-data" : dataDir;
        listeners = listeners == null ? new ListenersConfig(null, null) : listeners;
        tls = tls == null ? new TlsConfig(null, null) : tls;
        store = store == null ? new StoreConfig(null, null, null, null, null) : store;
        evidence = evidence == null ? new EvidenceConfig(null, null, 0, null, false, 0, null) : evidence;
        identities = identities == null ? new IdentitiesConfig(null) : identities;
        connections = connections == null ? List.of() : List.copyOf(connections);
        maxMessageBytes = maxMessageBytes <= 0 ? DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
        approvals = approvals == null ? new ApprovalsConfig(null, null) : approvals;
        masking = masking == null ? new MaskingSettings(null) : masking;
        console = console == null ? ConsoleConfig.tokenOnly() : console;
        limits = limits == null ? CallerLimits.DEFAULTS : limits;
        mcp = mcp == null ? McpConfig.defaults() : mcp;
        siem = siem == null ? SiemConfig.none() : siem;
        requireConsoleIssuerAccepted(console, identities);
        long distinct = connections.stream().map(ConnectionConfig::name).distinct().count();
        if (distinct != connections.size()) {
            throw new ConfigException("connection names must be unique");
        }
    }

    private static void requireConsoleIssuerAccepted(ConsoleConfig console, IdentitiesConfig identities) {
        if (console.oidc() && identities.oidc().stream().noneMatch(i -> i.issuer().equals(console.issuer())
                && i.audiences().contains(console.clientId()))) {
            throw new ConfigException("console.issuer must be one of identities.oidc[].issuer, with console.clientId ("
                    + console.clientId() + ") among its audiences: the console's ID tokens are verified like any other");
        }
    }

    /** A configuration that forwards nothing to a SIEM. */
    public GatewayConfig(String dataDir, ListenersConfig listeners, TlsConfig tls, StoreConfig store,
                         EvidenceConfig evidence, IdentitiesConfig identities, List<ConnectionConfig> connections,
                         int maxMessageBytes, String policyFile, ApprovalsConfig approvals, MaskingSettings masking,
                         ConsoleConfig console, CallerLimits limits, McpConfig mcp) {
        this(dataDir, listeners, tls, store, evidence, identities, connections, maxMessageBytes, policyFile, approvals, masking,
                console, limits, mcp, null);
    }

    /** A configuration with the default limits per caller and the MCP endpoint's default limits. */
    public GatewayConfig(String dataDir, ListenersConfig listeners, TlsConfig tls, StoreConfig store,
                         EvidenceConfig evidence, IdentitiesConfig identities, List<ConnectionConfig> connections,
                         int maxMessageBytes, String policyFile, ApprovalsConfig approvals, MaskingSettings masking,
                         ConsoleConfig console) {
        this(dataDir, listeners, tls, store, evidence, identities, connections, maxMessageBytes, policyFile, approvals, masking,
                console, null, null, null);
    }

    /** A configuration without masking settings (a generated hash key). */
    public GatewayConfig(String dataDir, ListenersConfig listeners, TlsConfig tls, StoreConfig store,
                         EvidenceConfig evidence, IdentitiesConfig identities, List<ConnectionConfig> connections,
                         int maxMessageBytes, String policyFile, ApprovalsConfig approvals) {
        this(dataDir, listeners, tls, store, evidence, identities, connections, maxMessageBytes, policyFile, approvals, null);
    }

    /** A configuration whose console offers token sign-in only. */
    public GatewayConfig(String dataDir, ListenersConfig listeners, TlsConfig tls, StoreConfig store,
                         EvidenceConfig evidence, IdentitiesConfig identities, List<ConnectionConfig> connections,
                         int maxMessageBytes, String policyFile, ApprovalsConfig approvals, MaskingSettings masking) {
        this(dataDir, listeners, tls, store, evidence, identities, connections, maxMessageBytes, policyFile, approvals, masking,
                null);
    }

    public Path dataPath() {
        return Path.of(dataDir);
    }

    public Optional<ConnectionConfig> connection(String name) {
        return connections.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
