package dev.ist.gateway.kafka;

/** Kafka did not acknowledge a message in time; nothing the client sent was lost, it can retry. */
public class PublishException extends RuntimeException {
    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
