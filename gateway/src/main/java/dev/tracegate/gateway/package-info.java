/** Tracegate gateway. */
package dev.tracegate.gateway;
