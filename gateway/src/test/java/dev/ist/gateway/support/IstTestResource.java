package dev.ist.gateway.support;

import dev.ist.common.Topics;
import dev.ist.gateway.auth.ApiKeyRegistry;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.S3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Starts the real parts the gateway talks to (a KRaft Kafka broker and an S3 server, both from the testkit), gives
 * this test run its own topics and bucket, configures the gateway for them, and starts the worker stand-in.
 */
public class IstTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        KafkaBroker kafka = KafkaBroker.shared();
        S3Server s3 = S3Server.shared();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics("gw-" + run + ".jobs", "gw-" + run + ".events", "gw-" + run + ".dlq",
                "gw-" + run + ".control");
        // several partitions, so the view's own assignment of every partition is exercised
        kafka.createTopic(topics.jobs(), 3);
        kafka.createTopic(topics.events(), 3);
        kafka.createTopic(topics.control(), 2);
        kafka.createTopic(topics.dlq(), 1);
        String bucket = "gw-" + run;
        s3.createBucket(bucket);
        TestEnv.topics = topics;
        TestEnv.bucket = bucket;

        WorkerStandIn worker = new WorkerStandIn(kafka.bootstrapServers(), topics, TestEnv.newStore());
        worker.start();
        TestEnv.worker = worker;

        Map<String, String> c = new HashMap<>();
        c.put("ist.kafka.bootstrap-servers", kafka.bootstrapServers());
        c.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        c.put("ist.kafka.create-topics", "true");
        c.put("ist.topics.jobs", topics.jobs());
        c.put("ist.topics.events", topics.events());
        c.put("ist.topics.dlq", topics.dlq());
        c.put("ist.topics.control", topics.control());
        c.put("ist.s3.endpoint", s3.endpoint());
        c.put("ist.s3.access-key", s3.accessKey());
        c.put("ist.s3.secret-key", s3.secretKey());
        c.put("ist.s3.bucket", bucket);
        c.put("ist.s3.region", s3.region());
        c.put("ist.gateway.allow-anonymous", "false");
        c.put("ist.gateway.api-keys", String.join(",",
                "alice:" + ApiKeyRegistry.sha256Hex(TestEnv.ALICE_KEY),
                "bob:" + ApiKeyRegistry.sha256Hex(TestEnv.BOB_KEY),
                "limited:" + ApiKeyRegistry.sha256Hex(TestEnv.LIMITED_KEY) + ":2:1000",
                "burst:" + ApiKeyRegistry.sha256Hex(TestEnv.BURST_KEY) + ":100:3",
                "bench:" + ApiKeyRegistry.sha256Hex(TestEnv.BENCH_KEY) + ":100000:100000",
                "page:" + ApiKeyRegistry.sha256Hex(TestEnv.PAGE_KEY) + ":20:1000"));
        c.put("ist.gateway.limits.max-in-flight", "20");
        c.put("ist.gateway.limits.submissions-per-minute", "1000");
        c.put("ist.limits.max-input-bytes", Long.toString(TestEnv.MAX_INPUT_BYTES));
        c.put("ist.limits.max-input-pixels", Long.toString(TestEnv.MAX_INPUT_PIXELS));
        c.put("ist.gateway.sse.heartbeat", "1s");
        return c;
    }

    @Override
    public void stop() {
        WorkerStandIn w = TestEnv.worker;
        if (w != null) {
            w.close();
        }
    }
}
