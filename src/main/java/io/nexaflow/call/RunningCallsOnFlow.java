package io.nexaflow.call;

import io.nexaflow.flow.RunningCalls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.UUID;

/** Counts a flow's running calls for {@code flow}, which may not read the call table itself. */
@ApplicationScoped
public class RunningCallsOnFlow implements RunningCalls {

    private static final String COUNT = "SELECT count(*) FROM call WHERE flow_id = ?1 AND status IN "
            + Call.Status.sql(Call.Status.RUNNING);

    private final EntityManager em;

    public RunningCallsOnFlow(EntityManager em) {
        this.em = em;
    }

    @Override
    public long count(UUID flowId) {
        return ((Number) em.createNativeQuery(COUNT).setParameter(1, flowId).getSingleResult()).longValue();
    }
}
