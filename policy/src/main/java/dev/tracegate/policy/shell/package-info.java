/**
 * Shell command lines for the SSH guard: {@link dev.tracegate.policy.shell.ShellLine} reads a line
 * as a POSIX shell would (quotes, operators, redirections) and
 * {@link dev.tracegate.policy.shell.ShellCommandClassifier} classifies it. Like the SQL classifier,
 * a security boundary: what is not understood is UNKNOWN.
 */
package dev.tracegate.policy.shell;
