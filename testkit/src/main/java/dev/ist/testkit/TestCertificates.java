package dev.ist.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for TLS tests, made at run time with the JDK's {@code keytool} (no key or
 * certificate is checked in): a CA, a truststore holding it, a server keystore for {@code localhost} /
 * {@code 127.0.0.1} (what a test broker listens on) and, on demand, a client keystore per principal whose subject is
 * just {@code CN=<name>} (so Kafka's default SSL principal is {@code User:CN=<name>}). Every store is PKCS12 and
 * shares one random password; keys are EC P-256, which keytool makes in milliseconds where RSA takes longer.
 *
 * <p>The password reaches keytool through its environment ({@code -storepass:env}), never its command line.
 */
public final class TestCertificates {

    private static final String PASSWORD_VARIABLE = "IST_TEST_STORE_PASSWORD";
    private static final String CA_ALIAS = "ist-test-ca";

    private final Path dir;
    private final String password = UUID.randomUUID().toString();
    private final Path caCertificate;
    private final Path truststore;
    private final Path serverKeystore;
    private final Map<String, Path> clientKeystores = new ConcurrentHashMap<>();

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caCertificate = dir.resolve("ca.pem");
        this.truststore = dir.resolve("truststore.p12");
        this.serverKeystore = dir.resolve("localhost.p12");
    }

    /** Makes the CA, the truststore and the server keystore in a new temporary folder (a few keytool runs). */
    public static TestCertificates create() {
        try {
            TestCertificates c = new TestCertificates(Files.createTempDirectory("ist-test-tls-"));
            c.makeAuthority();
            c.makeSigned(c.serverKeystore, "localhost", "san=dns:localhost,ip:127.0.0.1");
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("could not make test certificates: " + e, e);
        }
    }

    /** The password of every store made here. */
    public String password() {
        return password;
    }

    /** A PKCS12 truststore holding only the test CA. */
    public Path truststore() {
        return truststore;
    }

    /** A PKCS12 keystore with the key and CA-signed certificate of {@code localhost} and {@code 127.0.0.1}. */
    public Path serverKeystore() {
        return serverKeystore;
    }

    /** A PKCS12 keystore with a key and CA-signed client certificate whose subject is {@code CN=commonName}. */
    public Path clientKeystore(String commonName) {
        if (!commonName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a plain common name, please: " + commonName);
        }
        return clientKeystores.computeIfAbsent(commonName, cn -> {
            Path store = dir.resolve("client-" + cn + ".p12");
            makeSigned(store, cn, "eku=clientAuth");
            return store;
        });
    }

    /** Deletes every key, certificate and store made here (the broker using them is closed). */
    public void delete() {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is no test's failure
        }
    }

    private void makeAuthority() {
        Path caStore = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", CA_ALIAS, "-dname", "CN=IST test CA", "-ext", "bc:c",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-keystore", caStore.toString());
        keytool("-exportcert", "-rfc", "-alias", CA_ALIAS, "-keystore", caStore.toString(),
                "-file", caCertificate.toString());
        keytool("-importcert", "-noprompt", "-alias", CA_ALIAS, "-file", caCertificate.toString(),
                "-keystore", truststore.toString());
    }

    /** A key pair for {@code CN=commonName} in {@code store}, its certificate signed by the CA with {@code ext}. */
    private void makeSigned(Path store, String commonName, String ext) {
        Path request = dir.resolve(commonName + ".csr");
        Path signed = dir.resolve(commonName + ".pem");
        keytool("-genkeypair", "-alias", commonName, "-dname", "CN=" + commonName, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-keystore", store.toString());
        keytool("-certreq", "-alias", commonName, "-keystore", store.toString(), "-file", request.toString());
        keytool("-gencert", "-alias", CA_ALIAS, "-keystore", dir.resolve("ca.p12").toString(),
                "-infile", request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2",
                "-ext", ext);
        // the CA first, so keytool can chain the signed reply to it
        keytool("-importcert", "-noprompt", "-alias", CA_ALIAS, "-file", caCertificate.toString(),
                "-keystore", store.toString());
        keytool("-importcert", "-alias", commonName, "-file", signed.toString(), "-keystore", store.toString());
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(PASSWORD_VARIABLE, password);
        try {
            Process p = pb.start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run keytool: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
