/**
 * The masking configuration as immutable records that Jackson binds from YAML or JSON. {@link
 * dev.tracegate.masking.MaskingProfile#from} validates a {@link
 * dev.tracegate.masking.config.MaskingConfig} and compiles it.
 */
package dev.tracegate.masking.config;
