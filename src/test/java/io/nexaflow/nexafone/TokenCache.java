package io.nexaflow.nexafone;

import io.quarkus.arc.Arc;

/** Lets tests start from a cold token cache. */
public final class TokenCache {

    private TokenCache() {
    }

    public static void forget() {
        Arc.container().instance(NexafoneClient.class).get().forgetToken();
    }
}
