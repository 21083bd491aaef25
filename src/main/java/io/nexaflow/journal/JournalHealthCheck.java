package io.nexaflow.journal;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: DOWN only when the journal is full (a callback would then get the fallback verb while PostgreSQL is away). */
@Readiness
@ApplicationScoped
public class JournalHealthCheck implements HealthCheck {

    private final Journal journal;

    public JournalHealthCheck(Journal journal) {
        this.journal = journal;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("journal").status(!journal.full())
                .withData("available", journal.available())
                .withData("depth", journal.depth())
                .withData("bytes", journal.bytes())
                .withData("maxBytes", journal.maxBytes())
                .withData("oldestAgeSeconds", (long) journal.oldestAgeSeconds())
                .build();
    }
}
