/** Tracegate policy. */
package dev.tracegate.policy;
