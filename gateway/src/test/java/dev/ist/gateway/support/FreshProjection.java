package dev.ist.gateway.support;

import dev.ist.common.Topics;
import dev.ist.gateway.store.Database;
import dev.ist.gateway.store.JobProjection;
import dev.ist.gateway.store.JobProjector;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.store.ProjectorMetrics;
import dev.ist.gateway.store.StoreMetrics;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/**
 * A job store outside the gateway under test, on a database of its own (migrated with the gateway's Flyway scripts),
 * with its own projector: what a second replica or a rebuild from offset 0 has.
 */
public final class FreshProjection implements AutoCloseable {

    public final Database db;
    public final JobStore store;
    public final JobProjector projector;

    private FreshProjection(Database db, JobStore store, JobProjector projector) {
        this.db = db;
        this.store = store;
        this.projector = projector;
    }

    /** A fresh database on the shared server, migrated. */
    public static DataSource newDatabase(PostgresServer server, String prefix) {
        return migrated(server.jdbcUrl(server.newDatabase(prefix)));
    }

    /** A data source on {@code url}, migrated to the gateway's schema. */
    public static DataSource migrated(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(PostgresServer.USER);
        ds.setPassword(PostgresServer.PASSWORD);
        // one role here: the grants callback has nothing to grant
        Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                .placeholders(java.util.Map.of("runtime_role", PostgresServer.USER)).load().migrate();
        return ds;
    }

    /** A store on {@code dataSource} (no projector running). */
    public static JobStore storeOn(DataSource dataSource) {
        return new JobStore(new Database(dataSource), new JobProjection(2000), StoreMetrics.unregistered());
    }

    /** A projector on {@code dataSource} in consumer group {@code group}, started. */
    public static JobProjector projectorOn(DataSource dataSource, Topics topics, String group) {
        JobProjector p = new JobProjector(topics, new Database(dataSource), new JobProjection(2000),
                new ProjectorMetrics(new SimpleMeterRegistry()), KafkaBroker.shared().bootstrapServers(), group,
                group + "-" + UUID.randomUUID().toString().substring(0, 8));
        p.start();
        return p;
    }

    /** A fresh database projected from offset 0 of {@code topics} by a projector of a new group. */
    public static FreshProjection of(Topics topics) {
        DataSource ds = newDatabase(PostgresServer.shared(), "fresh");
        JobProjector projector = projectorOn(ds, topics, "fresh-" + UUID.randomUUID());
        return new FreshProjection(new Database(ds), storeOn(ds), projector);
    }

    @Override
    public void close() {
        projector.close();
    }
}
