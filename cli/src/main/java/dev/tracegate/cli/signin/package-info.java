/**
 * Signing in with an identity provider from the command line: {@code tracegate login} (OAuth 2.0
 * authorization code with PKCE and a loopback redirect, RFC 8252, or the device authorization
 * grant, RFC 8628), {@code tracegate token} (a current token, refreshed when needed) and
 * {@code tracegate logout}. Tokens are kept in the user's configuration directory, readable by the
 * user only. The OAuth messages themselves are oauth2-oidc-sdk's; this package adds the loopback
 * redirect, the stored logins, renewal and the checks and messages a user sees.
 */
package dev.tracegate.cli.signin;
