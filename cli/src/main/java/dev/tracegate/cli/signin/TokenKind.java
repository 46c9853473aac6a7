package dev.tracegate.cli.signin;

/**
 * Which token of a sign-in a caller wants. Most providers' access tokens are what the gateway
 * verifies; Google's are opaque, so Google users present the ID token instead.
 */
enum TokenKind {
    ACCESS_TOKEN("access token"), ID_TOKEN("ID token");

    final String description;

    TokenKind(String description) {
        this.description = description;
    }
}
