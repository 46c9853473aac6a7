/**
 * Messages a server sends: authentication requests, session parameters, result descriptions and rows,
 * completions, errors and notices, COPY responses and asynchronous notifications.
 */
package dev.tracegate.wire.postgres.backend;
