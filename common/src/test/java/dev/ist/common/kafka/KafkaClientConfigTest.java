package dev.ist.common.kafka;

import dev.ist.common.IstConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a client's Kafka settings come from, which wins, and what a log line may show. */
class KafkaClientConfigTest {

    @TempDir
    Path dir;

    private Path scramFile() throws IOException {
        return Files.writeString(dir.resolve("client.properties"), """
                # as for kafka-console-producer --command-config
                bootstrap.servers=kafka-1:9096,kafka-2:9096
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                    username="ist-worker" password="s3cr3t-w0rker";
                ssl.truststore.location=/etc/ist/truststore.p12
                ssl.truststore.password=trust-me
                """);
    }

    @Test
    void theFileGivesEveryClientItsSecuritySettingsAndTheBrokers() throws IOException {
        KafkaClientConfig k = KafkaClientConfig.from(IstConfig.of(Map.of(KafkaClientConfig.FILE_KEY,
                scramFile().toString())), "127.0.0.1:9092");
        assertEquals("kafka-1:9096,kafka-2:9096", k.bootstrapServers());
        Map<String, Object> client = k.base();
        assertEquals("SASL_SSL", client.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"));
        assertTrue(client.get("sasl.jaas.config").toString().contains("username=\"ist-worker\""));
        assertEquals("kafka-1:9096,kafka-2:9096", client.get("bootstrap.servers"));
        assertTrue(k.secured());
    }

    @Test
    void individualKeysOverrideTheFileAndTheBrokerKeyOverridesItsBrokers() throws IOException {
        KafkaClientConfig k = KafkaClientConfig.from(IstConfig.of(Map.of(
                KafkaClientConfig.FILE_KEY, scramFile().toString(),
                "ist.kafka.client.sasl.mechanism", "PLAIN",
                "ist.kafka.client.ssl.endpoint.identification.algorithm", "",
                "ist.kafka.bootstrap-servers", "10.0.0.7:9096")), "127.0.0.1:9092");
        assertEquals("10.0.0.7:9096", k.bootstrapServers());
        assertEquals("PLAIN", k.properties().get("sasl.mechanism"));
        assertEquals("SASL_SSL", k.properties().get("security.protocol"), "the rest of the file stays");
    }

    @Test
    void environmentVariablesNameTheSameSettings() {
        Map<String, String> env = Map.of("IST_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "IST_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512", "IST_KAFKA_BOOTSTRAP_SERVERS", "broker:9094");
        KafkaClientConfig k = KafkaClientConfig.from(new IstConfig(Map.of(), key -> null, env::get), "x:1");
        assertEquals("broker:9094", k.bootstrapServers());
        assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512"), k.properties());
    }

    @Test
    void withNothingSetItIsThePlaintextDefault() {
        KafkaClientConfig k = KafkaClientConfig.from(IstConfig.of(Map.of()), "127.0.0.1:9092");
        assertEquals(KafkaClientConfig.plaintext("127.0.0.1:9092"), k);
        assertFalse(k.secured());
    }

    @Test
    void theDescriptionForLogsHidesEverySecret() throws IOException {
        KafkaClientConfig k = KafkaClientConfig.from(IstConfig.of(Map.of(KafkaClientConfig.FILE_KEY,
                scramFile().toString(), "ist.kafka.client.ssl.key.password", "key-pass")), "x:1");
        String shown = k.describe();
        assertFalse(shown.contains("s3cr3t-w0rker") || shown.contains("trust-me") || shown.contains("key-pass"), shown);
        assertTrue(shown.contains("sasl.jaas.config=[hidden]") && shown.contains("ssl.truststore.password=[hidden]")
                && shown.contains("security.protocol=SASL_SSL")
                && shown.contains("ssl.truststore.location=/etc/ist/truststore.p12"), shown);
        assertEquals(shown, k.toString(), "toString never leaks either");
    }

    @Test
    void anUnreadableFileIsOneErrorNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.from(
                IstConfig.of(Map.of(KafkaClientConfig.FILE_KEY, dir.resolve("missing.properties").toString())), "x:1"));
        assertTrue(e.getMessage().startsWith("ist.kafka.client-config: cannot read") && e.getMessage()
                .contains("missing.properties"), e.getMessage());
    }

    @Test
    void aTruststoreThatCannotBeOpenedIsOneErrorNamingTheSetting() throws Exception {
        Path store = dir.resolve("truststore.p12");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var out = Files.newOutputStream(store)) {
            ks.store(out, "right".toCharArray());
        }
        Map<String, String> tls = Map.of("ist.kafka.client.security.protocol", "SSL",
                "ist.kafka.client.ssl.truststore.type", "PKCS12",
                "ist.kafka.client.ssl.truststore.location", store.toString());
        KafkaClientConfig right = config(tls, "ist.kafka.client.ssl.truststore.password", "right");
        assertEquals(right, right.requireOpenableTlsStores());

        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> config(tls, "ist.kafka.client.ssl.truststore.password", "wrong").requireOpenableTlsStores());
        assertTrue(wrong.getMessage().startsWith("ssl.truststore.password does not open " + store),
                wrong.getMessage());
        assertFalse(wrong.getMessage().contains("wrong"), "no secret in the message");

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> config(tls, "ist.kafka.client.ssl.truststore.location", dir.resolve("nope.p12").toString())
                        .requireOpenableTlsStores());
        assertTrue(missing.getMessage().startsWith("ssl.truststore.location: no readable file"), missing.getMessage());

        // a password from a config provider is the client's to resolve; on PLAINTEXT the stores are not used
        config(tls, "ist.kafka.client.ssl.truststore.password", "${file:/run/secrets/kafka:truststore}")
                .requireOpenableTlsStores();
        config(tls, "ist.kafka.client.security.protocol", "PLAINTEXT").requireOpenableTlsStores();
    }

    private static KafkaClientConfig config(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return KafkaClientConfig.from(IstConfig.of(m), "127.0.0.1:9092");
    }
}
