package io.nexaflow.db;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Shows whether PostgreSQL answers, without taking readiness down: callbacks are answered from the journal while
 * it is away, so a replica without its database still serves (the journal check turns readiness DOWN when full).
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

    private final AgroalDataSource dataSource;

    public DatabaseHealthCheck(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reachable;
        try {
            // Bounded: the pool's acquisition timeout is longer than a probe's.
            reachable = CompletableFuture.supplyAsync(this::answers).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            reachable = false;
        }
        return HealthCheckResponse.named("database").up().withData("reachable", reachable).build();
    }

    private boolean answers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(1);
        } catch (Exception e) {
            return false;
        }
    }
}
