package dev.ist.common.kafka;

import dev.ist.common.IstConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one place a Kafka client of IST gets its connection settings: the brokers, plus what a secured cluster needs
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, config providers). They come from a standard Kafka client
 * properties file named by {@code ist.kafka.client-config} (env {@code IST_KAFKA_CLIENT_CONFIG}), the file Kafka's own
 * tools take with {@code --command-config}, and from {@code ist.kafka.client.<property>} keys (env
 * {@code IST_KAFKA_CLIENT_<PROPERTY>}), which override the file. Secrets can stay out of both with Kafka's config
 * providers ({@code ${file:...}}, {@code ${env:...}}), which the clients resolve themselves. {@link #describe()} masks
 * every secret, so the effective settings can be logged.
 *
 * @param bootstrapServers {@code ist.kafka.bootstrap-servers}, else the file's {@code bootstrap.servers}
 * @param properties       every other client setting, as strings
 */
public record KafkaClientConfig(String bootstrapServers, Map<String, String> properties) {

    public static final String FILE_KEY = "ist.kafka.client-config";
    public static final String PREFIX = "ist.kafka.client.";
    public static final String BOOTSTRAP_KEY = "ist.kafka.bootstrap-servers";

    /** Every setting a producer, consumer or admin client knows: the names an {@code ist.kafka.client.*} key may use. */
    private static final Set<String> CLIENT_SETTINGS = knownSettings();

    public KafkaClientConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(BOOTSTRAP_KEY + " is empty: name the Kafka brokers (host:port,...)");
        }
        properties = Map.copyOf(properties);
        if (properties.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("bootstrap.servers belongs in " + BOOTSTRAP_KEY);
        }
    }

    /** An unsecured broker (tests, `./ist up`'s own broker). */
    public static KafkaClientConfig plaintext(String bootstrapServers) {
        return new KafkaClientConfig(bootstrapServers, Map.of());
    }

    /**
     * The settings of {@code c}; {@code defaultBootstrap} when neither {@code ist.kafka.bootstrap-servers} nor the
     * file names the brokers.
     *
     * @throws IllegalArgumentException naming the setting, when the file cannot be read
     */
    public static KafkaClientConfig from(IstConfig c, String defaultBootstrap) {
        Map<String, String> props = new TreeMap<>();
        c.get(FILE_KEY).ifPresent(file -> props.putAll(readFile(Path.of(file))));
        for (String name : CLIENT_SETTINGS) {
            c.get(PREFIX + name).ifPresent(v -> props.put(name, v));
        }
        String fileBootstrap = props.remove("bootstrap.servers");
        String bootstrap = c.get(BOOTSTRAP_KEY).orElse(fileBootstrap != null ? fileBootstrap : defaultBootstrap);
        return new KafkaClientConfig(bootstrap, props);
    }

    /**
     * A keystore or truststore that cannot be opened makes every Kafka client's constructor throw, deep in a stack
     * trace; no retry can fix it (the path and password are read once), so a component calls this at start, before
     * its first client, and refuses to start with one line that names the setting. Values left to a config provider
     * ({@code ${...}}) are the client's to resolve.
     *
     * @throws IllegalArgumentException naming the setting
     */
    public KafkaClientConfig requireOpenableTlsStores() {
        checkTlsStores(properties);
        return this;
    }

    private static void checkTlsStores(Map<String, String> props) {
        if (!props.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT).contains("SSL")) {
            return;
        }
        for (String store : new String[] {"ssl.truststore", "ssl.keystore"}) {
            String location = props.get(store + ".location");
            String password = props.get(store + ".password");
            if (location == null || location.contains("${") || (password != null && password.contains("${"))) {
                continue;
            }
            String type = props.getOrDefault(store + ".type", "JKS");
            Path file = Path.of(location);
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException(store + ".location: no readable file " + file + " (Kafka client"
                        + " settings, " + FILE_KEY + ")");
            }
            try (var in = Files.newInputStream(file)) {
                java.security.KeyStore.getInstance(type).load(in, password == null ? null : password.toCharArray());
            } catch (IOException e) {
                boolean wrongPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
                        || String.valueOf(e.getMessage()).contains("password");
                throw new IllegalArgumentException(wrongPassword
                        ? store + ".password does not open " + file + " (Kafka client settings, " + FILE_KEY + ")"
                        : store + ".location: cannot read " + file + " as a " + type + " store (" + e.getMessage()
                                + "; check " + store + ".type)");
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalArgumentException(store + ".type: cannot open " + file + " as " + type + " ("
                        + e.getMessage() + ")");
            }
        }
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(FILE_KEY + ": cannot read the Kafka client properties file " + file
                    + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + ")");
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
        return m;
    }

    /** A fresh, mutable client configuration: the brokers and every setting; a client adds its own keys. */
    public Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>(properties);
        m.put("bootstrap.servers", bootstrapServers);
        return m;
    }

    /** Whether the connection is authenticated or encrypted (anything but PLAINTEXT). */
    public boolean secured() {
        return !properties.getOrDefault("security.protocol", "PLAINTEXT").equalsIgnoreCase("PLAINTEXT");
    }

    /** The effective settings for a log line, every secret replaced by {@code [hidden]}. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        shown.put("bootstrap.servers", bootstrapServers);
        properties.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
        return shown.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Passwords, keys, JAAS configurations (which embed passwords) and anything named like a secret or token. */
    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.contains("credential") || k.equals("ssl.keystore.key") || k.endsWith(".key");
    }

    @Override
    public String toString() {
        return describe();
    }

    private static Set<String> knownSettings() {
        Set<String> names = new TreeSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.add("config.providers");
        names.remove("bootstrap.servers");
        return Set.copyOf(names);
    }
}
