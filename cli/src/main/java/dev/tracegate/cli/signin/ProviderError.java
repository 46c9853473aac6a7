package dev.tracegate.cli.signin;

import dev.tracegate.cli.CliException;

/**
 * An OAuth error answer from the provider (RFC 6749 section 5.2): the {@code error} code, which
 * callers act on, and the provider's own description, which is shown to the user with control
 * characters removed so a hostile provider cannot drive the terminal.
 */
final class ProviderError extends CliException {

    private final String error;

    ProviderError(String endpointName, String error, String description) {
        super(endpointName + " refused the request: " + clean(error)
                + (description == null || description.isBlank() ? "" : " (" + clean(description) + ")") + hint(error));
        this.error = error;
    }

    /** The OAuth error code, e.g. {@code invalid_grant}. */
    String error() {
        return error;
    }

    private static String hint(String error) {
        return switch (error) {
            case "invalid_client" -> "; check --client-id and --client-secret-file";
            case "unauthorized_client" -> "; the client registration does not allow this kind of sign-in";
            case "invalid_scope" -> "; the provider does not accept one of the scopes of --scope";
            default -> "";
        };
    }

    static String clean(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", " ").strip();
        return printable.length() > 300 ? printable.substring(0, 300) + "..." : printable;
    }
}
