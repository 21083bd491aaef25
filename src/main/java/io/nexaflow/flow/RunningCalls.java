package io.nexaflow.flow;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.UUID;

/** How many calls are running on a flow; a flow with running calls cannot be deleted. */
@ApplicationScoped
public class RunningCalls {

    private final EntityManager em;

    public RunningCalls(EntityManager em) {
        this.em = em;
    }

    public long count(UUID flowId) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM call WHERE flow_id = ?1"
                        + " AND status IN ('QUEUED', 'ORIGINATING', 'IN_PROGRESS')")
                .setParameter(1, flowId).getSingleResult()).longValue();
    }
}
