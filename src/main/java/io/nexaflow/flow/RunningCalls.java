package io.nexaflow.flow;

import java.util.UUID;

/** How many calls are running on a flow; a flow with running calls cannot be deleted. Implemented by {@code call}. */
public interface RunningCalls {

    long count(UUID flowId);
}
