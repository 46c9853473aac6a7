package dev.tracegate.cli.demo;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate demo}: everything on one machine, ready for psql in a few seconds. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the gateway with a real PostgreSQL target full of sample data.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "tracegate-demo", description = "keeps all state here (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port-base", defaultValue = "7400", description = "first of the ports the demo uses (default ${DEFAULT-VALUE})")
    int portBase;

    @Override
    public Integer call() throws Exception {
        System.out.println("starting the demo in " + dataDir.toAbsolutePath() + " ...");
        DemoEnvironment demo = DemoEnvironment.start(dataDir, portBase, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the demo ...");
            demo.close();
            stopped.countDown();
        }, "tracegate-demo-shutdown"));
        demo.printWelcome(System.out);
        stopped.await();
        return 0;
    }
}
