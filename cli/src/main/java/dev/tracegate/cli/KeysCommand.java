package dev.tracegate.cli;

import dev.tracegate.ledger.note.LogKeyPair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate keys generate}: a new evidence-log signing key. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage evidence-log signing keys.",
        subcommands = {KeysCommand.Generate.class})
final class KeysCommand {

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Create an Ed25519 key pair; prints the verifier key line to publish.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "the key name; use the log's origin, e.g. tracegate.example.com/prod")
        String name;

        @Option(names = "--out", required = true, description = "private key file to create (mode 0600); FILE.pub gets the public line")
        Path out;

        @Override
        public Integer call() throws IOException {
            LogKeyPair key = LogKeyPair.generate(name);
            key.savePrivateKey(out);
            Path pub = out.resolveSibling(out.getFileName() + ".pub");
            key.savePublicKey(pub);
            System.out.println(key.verifierKey().format());
            System.err.println("private key: " + out + " (configure it as evidence.signingKey: file:" + out.toAbsolutePath()
                    + "); verifier key: " + pub);
            return 0;
        }
    }
}
