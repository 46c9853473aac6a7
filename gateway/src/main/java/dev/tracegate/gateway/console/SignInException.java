package dev.tracegate.gateway.console;

/** A console sign-in that cannot finish; the message is shown to the person signing in. */
final class SignInException extends Exception {

    SignInException(String message) {
        super(message);
    }
}
