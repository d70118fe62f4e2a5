package dev.ist.gateway.health;

import dev.ist.gateway.kafka.KafkaAccess;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * "kafka-access": not ready while a Kafka client of the gateway is refused its login or an ACL it needs (a
 * configuration problem a restart would not fix, so liveness stays up); each refused client names its problem.
 */
@Readiness
@ApplicationScoped
public class KafkaAccessReadiness implements HealthCheck {

    private final KafkaAccess access;

    public KafkaAccessReadiness(KafkaAccess access) {
        this.access = access;
    }

    @Override
    public HealthCheckResponse call() {
        var problems = access.problems();
        var b = HealthCheckResponse.named("kafka-access").status(problems.isEmpty());
        problems.forEach(b::withData);
        return b.build();
    }
}
