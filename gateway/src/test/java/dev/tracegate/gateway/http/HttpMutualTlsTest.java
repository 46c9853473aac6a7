package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.tracegate.gateway.TestGateway;
import dev.tracegate.gateway.config.ConnectionConfig;
import dev.tracegate.gateway.config.HttpConnectionConfig;
import dev.tracegate.gateway.config.HttpCredentialConfig;
import dev.tracegate.gateway.config.SecretReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that requires a TLS client certificate: the gateway presents the one it holds and
 * checks the target's certificate against the configured CA. Certificates come from the JDK's keytool.
 */
class HttpMutualTlsTest {

    private static final String PASSWORD = "Keystore-Pass-6b1d";

    @Test
    void theGatewayPresentsItsClientCertificateAndVerifiesTheTarget(@TempDir Path dir) throws Exception {
        Path serverStore = keypair(dir, "server", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost");
        Path serverCert = export(dir, serverStore, "server");
        Path clientStore = keypair(dir, "client", "CN=tracegate-gateway", null);
        Path clientCert = export(dir, clientStore, "client");
        Path serverTrust = dir.resolve("server-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "gateway", "-file", clientCert.toString(), "-keystore",
                serverTrust.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);

        HttpsServer target = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        target.setHttpsConfigurator(new HttpsConfigurator(serverContext(serverStore, serverTrust)) {
            @Override
            public void configure(HttpsParameters params) {
                params.setNeedClientAuth(true);
            }
        });
        target.createContext("/api/", exchange -> {
            String peer = ((HttpsExchange) exchange).getSSLSession().getPeerPrincipal().getName();
            byte[] body = ("{\"peer\":\"" + peer + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();
        Path password = dir.resolve("password");
        Files.writeString(password, PASSWORD);
        String url = "https://127.0.0.1:" + target.getAddress().getPort() + "/api";
        ConnectionConfig withCertificate = new HttpConnectionConfig("secure", url, new HttpCredentialConfig("mtls", null,
                null, SecretReference.of("file:" + password), clientStore.toString()), List.of(), null, serverCert.toString());
        ConnectionConfig withoutCertificate = new HttpConnectionConfig("anonymous", url, null, List.of(), null,
                serverCert.toString());
        try (TestGateway gateway = TestGateway.start(List.of(withCertificate, withoutCertificate), null)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/secure/who"))
                    .header("Authorization", "Bearer " + TestGateway.ALICE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("CN=tracegate-gateway");
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/anonymous/who"))
                    .header("Authorization", "Bearer " + TestGateway.ALICE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(502);
            assertThat(refused.body()).doesNotContain(PASSWORD);
        } finally {
            target.stop(0);
        }
    }

    @Test
    void aTargetWhoseCertificateTheGatewayCannotVerifyIsNeverSentTheRequest(@TempDir Path dir) throws Exception {
        Path serverStore = keypair(dir, "server", "CN=localhost", "SAN=dns:localhost");
        Path serverCert = export(dir, serverStore, "server");
        Path otherCert = export(dir, keypair(dir, "other", "CN=localhost", "SAN=dns:localhost"), "other");
        HttpsServer target = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        target.setHttpsConfigurator(new HttpsConfigurator(serverContext(serverStore, serverStore)));
        List<String> reached = new CopyOnWriteArrayList<>();
        target.createContext("/api/", exchange -> {
            reached.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        target.start();
        int port = target.getAddress().getPort();
        Path token = dir.resolve("token");
        Files.writeString(token, "Target-Token-0e7c");
        HttpCredentialConfig bearer = new HttpCredentialConfig("bearer", null, null, SecretReference.of("file:" + token));
        List<ConnectionConfig> connections = List.of(
                new HttpConnectionConfig("named", "https://localhost:" + port + "/api", bearer, List.of(), null,
                        serverCert.toString()),
                // The certificate does not name 127.0.0.1: a man in the middle with a valid certificate for another host.
                new HttpConnectionConfig("misnamed", "https://127.0.0.1:" + port + "/api", bearer, List.of(), null,
                        serverCert.toString()),
                // Signed by a CA other than the configured one.
                new HttpConnectionConfig("untrusted", "https://localhost:" + port + "/api", bearer, List.of(), null,
                        otherCert.toString()));
        try (TestGateway gateway = TestGateway.start(connections, null)) {
            HttpClient client = HttpClient.newHttpClient();
            for (String connection : List.of("named", "misnamed", "untrusted")) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/"
                        + connection + "/who")).header("Authorization", "Bearer " + TestGateway.ALICE_TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(connection).isEqualTo(connection.equals("named") ? 204 : 502);
                assertThat(response.body()).doesNotContain("Target-Token");
            }
            assertThat(reached).as("only the verified target got a request").containsExactly("/api/who");
        } finally {
            target.stop(0);
        }
    }

    private static SSLContext serverContext(Path keyStore, Path trustStore) throws Exception {
        KeyStore keys = load(keyStore);
        KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyFactory.init(keys, PASSWORD.toCharArray());
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(load(trustStore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static Path keypair(Path dir, String alias, String dname, String extension) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        List<String> args = new java.util.ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (extension != null) {
            args.addAll(List.of("-ext", extension));
        }
        keytool(args.toArray(String[]::new));
        return store;
    }

    private static Path export(Path dir, Path store, String alias) throws Exception {
        Path cert = dir.resolve(alias + ".pem");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-file", cert.toString());
        return cert;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
