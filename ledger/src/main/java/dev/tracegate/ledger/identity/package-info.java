/** Who a recorded identity is, as the gateway and the auditor's report both read it. */
package dev.tracegate.ledger.identity;
