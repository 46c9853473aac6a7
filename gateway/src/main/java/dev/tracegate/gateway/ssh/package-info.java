/**
 * The SSH engine: Apache MINA SSHD is the codec on both sides (the gateway is an SSH server to
 * callers and an SSH client to hosts); {@link dev.tracegate.gateway.ssh.SshEngine} is the thin
 * engine over the shared seam. See docs/ssh.md.
 */
package dev.tracegate.gateway.ssh;
