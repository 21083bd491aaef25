package io.nexaflow.db;

import io.agroal.api.AgroalDataSource;
import io.nexaflow.config.NexaflowConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Shortens the pool's acquisition timeout once the application has started: the start may wait for a slow first
 * connection, a request must not (it answers 503 with Retry-After instead, README "Database failover and fail-fast").
 */
@ApplicationScoped
public class RequestAcquisitionTimeout {

    private static final Logger LOG = Logger.getLogger(RequestAcquisitionTimeout.class);

    private final AgroalDataSource dataSource;
    private final Duration timeout;

    public RequestAcquisitionTimeout(AgroalDataSource dataSource, NexaflowConfig config) {
        this.dataSource = dataSource;
        this.timeout = config.datasource().requestAcquisitionTimeout();
    }

    /** After every other start-up observer, so loading at start still gets the longer wait. */
    void apply(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent startup) {
        dataSource.getConfiguration().connectionPoolConfiguration().setAcquisitionTimeout(timeout);
        LOG.debugf("Requests wait at most %s for a database connection", timeout);
    }
}
