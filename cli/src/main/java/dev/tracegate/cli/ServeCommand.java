package dev.tracegate.cli;

import dev.tracegate.gateway.Gateway;
import dev.tracegate.gateway.config.ConfigLoader;
import dev.tracegate.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate serve}: runs the gateway from a configuration file until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway (see docs/configuration.md).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "YAML configuration file")
    Path config;

    @Override
    public Integer call() throws Exception {
        GatewayConfig gatewayConfig = ConfigLoader.load(config);
        Gateway gateway = Gateway.start(gatewayConfig);
        System.out.println("postgres listener on port " + gateway.postgresPort());
        System.out.println("api: http://" + gatewayConfig.listeners().api().address() + ":" + gateway.apiPort());
        System.out.println("tracegate ready");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "tracegate-shutdown"));
        stopped.await();
        return 0;
    }
}
