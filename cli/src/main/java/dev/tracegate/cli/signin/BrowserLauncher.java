package dev.tracegate.cli.signin;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Opens an address in the user's browser if it can. Failing is fine: the address has already been
 * printed for the user to open by hand.
 */
final class BrowserLauncher {

    /** Whether a browser was started; never throws. */
    boolean open(URI address) {
        List<String> command = command(address);
        if (command.isEmpty()) {
            return false;
        }
        try {
            new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<String> command(URI address) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return List.of("open", address.toString());
        }
        if (os.contains("windows")) {
            return List.of("rundll32", "url.dll,FileProtocolHandler", address.toString());
        }
        // Without a display, xdg-open falls back to text browsers that would fight us for the terminal.
        if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            return List.of();
        }
        return List.of("xdg-open", address.toString());
    }
}
