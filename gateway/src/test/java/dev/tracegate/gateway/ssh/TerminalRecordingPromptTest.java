package dev.tracegate.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which output lines make the recording withhold what is typed next: prompts for secrets, wherever they come from. */
class TerminalRecordingPromptTest {

    @ParameterizedTest
    @ValueSource(strings = {"[sudo] password for deploy: ", "Password:", "Enter passphrase for key '/root/.ssh/id_ed25519': ",
            "PIN: ", "Verification code: ", "Enter PEM pass phrase token: ", "psql: Password for user app: ",
            "root@web:~# su -\r\nPassword: "})
    void promptsForSecretsAreRecognised(String output) {
        String line = output.substring(Math.max(output.lastIndexOf('\n'), output.lastIndexOf('\r')) + 1);
        assertThat(TerminalRecording.SECRET_PROMPT.matcher(line).find()).as(output).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"root@web:~# ", "$ ", "Password changed.", "total 12", "password: ok, moving on"})
    void ordinaryOutputIsNot(String line) {
        assertThat(TerminalRecording.SECRET_PROMPT.matcher(line).find()).as(line).isFalse();
    }
}
