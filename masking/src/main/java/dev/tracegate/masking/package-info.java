/**
 * Inline data masking: content {@link dev.tracegate.masking.Detector}s, {@link
 * dev.tracegate.masking.MaskStrategy strategies}, a {@link dev.tracegate.masking.MaskingProfile} built
 * from configuration, the {@link dev.tracegate.masking.Masker} that applies it to result cells and the
 * streaming {@link dev.tracegate.masking.JsonMasking} rewriter, and the {@link
 * dev.tracegate.masking.MaskingReport} that says what was masked without ever holding a value.
 * Pure functions: no I/O, no sockets, no threads.
 */
package dev.tracegate.masking;
