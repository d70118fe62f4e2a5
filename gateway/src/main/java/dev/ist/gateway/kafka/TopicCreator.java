package dev.ist.gateway.kafka;

import dev.ist.common.kafka.KafkaClientConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the IST topics that are missing; existing topics are left exactly as they are. */
public final class TopicCreator {

    private static final Logger LOG = Logger.getLogger(TopicCreator.class);

    private TopicCreator() {
    }

    public static void ensure(KafkaClientConfig kafka, Collection<String> names, int partitions, short replication) {
        ensure(kafka, names, partitions, replication, Map.of());
    }

    /**
     * As above, with topic settings for some of them ({@code configs}: topic name -> settings such as
     * {@code retention.ms} or {@code cleanup.policy}); they apply to topics created here only.
     */
    public static void ensure(KafkaClientConfig kafka, Collection<String> names, int partitions, short replication,
                              Map<String, Map<String, String>> configs) {
        Admin admin = Admin.create(kafka.base());
        try {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().distinct().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, partitions, replication).configs(configs.getOrDefault(n, Map.of())))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.infof("created topics %s", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                // another replica or a worker created them meanwhile
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topics: " + e.getCause(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not reach Kafka at " + kafka.bootstrapServers() + " to check topics: " + e,
                    e);
        } finally {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
