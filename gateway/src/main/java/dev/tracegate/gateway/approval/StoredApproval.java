package dev.tracegate.gateway.approval;

/**
 * An approval as the store holds it: the request with its votes and, once decided, its end; and
 * the gateway node whose client waits for it.
 */
record StoredApproval(PendingApproval approval, String ownerNode) {
}
