/** Tracegate cli. */
package dev.tracegate.cli;
