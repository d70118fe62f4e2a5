import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.FileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What an operator of a secured broker does for IST, with the Admin API of the Kafka jars `./ist up` already has
 * (Kafka 4's kafka-topics / kafka-acls tools live in kafka-tools, which drags in Connect and Jetty). Run by
 * deploy/local/secured-kafka-test.sh with the java source launcher:
 *
 * <pre>
 *   java -cp "$IST_STATE/lib/kafka/*" SecuredKafkaAdmin.java setup  BOOTSTRAP CLIENT_FILE GATEWAY_USER WORKER_USER
 *   java -cp "$IST_STATE/lib/kafka/*" SecuredKafkaAdmin.java probe  BOOTSTRAP CLIENT_FILE
 *   java -cp "$IST_STATE/lib/kafka/*" SecuredKafkaAdmin.java send   BOOTSTRAP CLIENT_FILE TOPIC
 * </pre>
 *
 * setup: creates IST's topics (ist.workers compacted) and grants each user exactly the ACLs of the README's table.
 * probe: lists topics; exit 0 when the broker answers, 3 with the error's class and message when it refuses.
 * send: puts one record on TOPIC; exit 0 when taken, 3 with the error when refused.
 */
public class SecuredKafkaAdmin {

    public static void main(String[] args) throws Exception {
        Map<String, Object> client = clientConfig(args[1], args[2]);
        switch (args[0]) {
            case "setup" -> setup(client, "User:" + args[3], "User:" + args[4]);
            case "probe" -> refusedIsExit3(() -> {
                // a broker closes a connection that does not log in: the client only sees it time out
                client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000);
                client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
                try (Admin admin = Admin.create(client)) {
                    admin.listTopics().names().get(30, TimeUnit.SECONDS);
                }
            });
            case "send" -> refusedIsExit3(() -> send(client, args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static Map<String, Object> clientConfig(String bootstrap, String file) throws IOException {
        Properties p = new Properties();
        try (FileReader r = new FileReader(file)) {
            p.load(r);
        }
        Map<String, Object> c = new java.util.HashMap<>();
        p.forEach((k, v) -> c.put((String) k, v));
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // a refused client answers within seconds instead of retrying for a minute
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return c;
    }

    private static void setup(Map<String, Object> client, String gateway, String worker) throws Exception {
        try (Admin admin = Admin.create(client)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of("ist.jobs", "ist.jobs.high", "ist.jobs.low", "ist.events", "ist.control")) {
                topics.add(new NewTopic(t, 4, (short) 1));
            }
            topics.add(new NewTopic("ist.jobs.dlq", 1, (short) 1));
            topics.add(new NewTopic("ist.workers", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);

            List<AclBinding> acls = new ArrayList<>();
            // the README's table, "Least privilege: the ACLs each component needs" (no CREATE: topics exist)
            allow(acls, gateway, ResourceType.TOPIC, "ist.jobs", true, AclOperation.WRITE, AclOperation.READ,
                    AclOperation.DESCRIBE);
            allow(acls, gateway, ResourceType.TOPIC, "ist.control", false, AclOperation.WRITE, AclOperation.READ,
                    AclOperation.DESCRIBE);
            // READ only: workers write every event; the gateway stores each job's QUEUED event with its row
            allow(acls, gateway, ResourceType.TOPIC, "ist.events", false, AclOperation.READ, AclOperation.DESCRIBE);
            allow(acls, gateway, ResourceType.TOPIC, "ist.workers", false, AclOperation.READ, AclOperation.DESCRIBE);
            allow(acls, gateway, ResourceType.GROUP, "ist-gateway-projector", false, AclOperation.READ);
            allow(acls, gateway, ResourceType.GROUP, "ist-gateway-webhooks", false, AclOperation.READ);

            allow(acls, worker, ResourceType.TOPIC, "ist.jobs", true, AclOperation.READ, AclOperation.DESCRIBE);
            allow(acls, worker, ResourceType.GROUP, "ist-workers", false, AclOperation.READ);
            allow(acls, worker, ResourceType.TOPIC, "ist.events", false, AclOperation.WRITE, AclOperation.READ,
                    AclOperation.DESCRIBE);
            allow(acls, worker, ResourceType.TOPIC, "ist.jobs.dlq", false, AclOperation.WRITE,
                    AclOperation.DESCRIBE);
            allow(acls, worker, ResourceType.TOPIC, "ist.control", false, AclOperation.READ, AclOperation.DESCRIBE);
            allow(acls, worker, ResourceType.TOPIC, "ist.workers", false, AclOperation.READ, AclOperation.WRITE,
                    AclOperation.DESCRIBE);
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
            System.out.println("created " + topics.size() + " topics and " + acls.size() + " ACLs for " + gateway
                    + " and " + worker);
        }
    }

    private static void allow(List<AclBinding> acls, String principal, ResourceType type, String name,
                              boolean prefixed, AclOperation... operations) {
        for (AclOperation op : operations) {
            acls.add(new AclBinding(new ResourcePattern(type, name, prefixed ? PatternType.PREFIXED
                    : PatternType.LITERAL), new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
    }

    private static void send(Map<String, Object> client, String topic) throws Exception {
        Map<String, Object> c = new java.util.HashMap<>(client);
        c.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        c.put("max.block.ms", 20_000);
        c.put("delivery.timeout.ms", 20_000);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(c,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "probe", "{}"))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    interface Action {
        void run() throws Exception;
    }

    private static void refusedIsExit3(Action action) {
        try {
            action.run();
            System.out.println("accepted");
        } catch (Exception e) {
            Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.out.println("refused: " + t.getClass().getName() + ": " + t.getMessage());
            System.exit(3);
        }
    }
}
