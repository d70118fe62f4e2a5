package dev.ist.gateway.webhooks;

import dev.ist.common.Topics;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.store.JobStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** The webhook parts: signer, address guard, delivery log and the dispatcher, started with the application. */
@ApplicationScoped
public class WebhookWiring {

    private final WebhookSettings settings;

    public WebhookWiring(WebhookSettings settings) {
        this.settings = settings;
    }

    @Produces
    @Singleton
    public WebhookSigner signer() {
        return new WebhookSigner(settings.secrets().orElse(List.of()));
    }

    @Produces
    @Singleton
    public WebhookAddressGuard guard() {
        return new WebhookAddressGuard(settings.allowPrivate(), settings.allowHttp());
    }

    @Produces
    @Singleton
    public WebhookLog log(ImageStore store) {
        return new WebhookLog(store);
    }

    @Produces
    @Singleton
    public WebhookDispatcher dispatcher(JobStore store, WebhookLog log, WebhookSigner signer, WebhookAddressGuard guard,
                                        Topics topics, dev.ist.common.kafka.KafkaClientConfig kafka,
                                        dev.ist.gateway.kafka.KafkaAccess access) {
        WebhookDispatcher d = new WebhookDispatcher(settings, store, log, signer, guard, topics, kafka)
                .watchedBy(access);
        d.start();
        return d;
    }

    void close(@Disposes WebhookDispatcher dispatcher) {
        dispatcher.close();
    }

    void onStart(@Observes StartupEvent event, WebhookDispatcher dispatcher) {
        // injecting the dispatcher creates and starts it
    }
}
