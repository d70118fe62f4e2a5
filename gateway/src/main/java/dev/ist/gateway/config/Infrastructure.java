package dev.ist.gateway.config;

import dev.ist.common.IstConfig;
import dev.ist.common.Topics;
import dev.ist.common.image.ImageInspector;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobValidator;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/** The common module's building blocks, configured from Quarkus configuration. */
@ApplicationScoped
public class Infrastructure {

    private final IstConfig config;

    public Infrastructure(Config config) {
        this.config = QuarkusIstConfig.of(config);
    }

    @Produces
    @Singleton
    public Topics topics() {
        return Topics.from(config);
    }

    @Produces
    @Singleton
    public JobLimits jobLimits() {
        return JobLimits.from(config);
    }

    @Produces
    @Singleton
    public JobValidator jobValidator(JobLimits limits) {
        return new JobValidator(limits);
    }

    @Produces
    @Singleton
    public ImageInspector imageInspector(JobLimits limits) {
        return new ImageInspector(limits.maxInputBytes(), limits.maxInputPixels());
    }

    @Produces
    @Singleton
    @DefaultBean
    public ImageStore imageStore() {
        return new ImageStore(StorageConfig.from(config));
    }

    void closeStore(@Disposes ImageStore store) {
        store.close();
    }
}
