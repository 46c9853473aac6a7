/**
 * Forwarding evidence events to a SIEM as OCSF-shaped JSON: {@link SiemForwarder} watches the
 * evidence log, {@link OcsfMapping} shapes each event, a {@link DeliveryQueue} per destination
 * holds a bounded backlog and retries with backoff, and {@link SyslogTlsDestination} or
 * {@link HttpSiemDestination} sends. docs/operations.md#siem-forwarding.
 */
package dev.tracegate.gateway.siem;
