package io.nexaflow.nexafone;

import io.nexaflow.config.NexaflowConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

public class NexafoneBeans {

    /**
     * Checks raw verbs against the vendor page before they are sent. Strict in prod; with the sandbox on,
     * the vendor's placeholder numbers and http:// webhooks on loopback (dev mode has no TLS) pass too.
     */
    @Produces
    @Singleton
    PayloadValidator payloadValidator(NexaflowConfig config) {
        boolean sandbox = config.sandbox().enabled();
        return new PayloadValidator(PayloadValidator.Options.strict(config.defaultRegion())
                .withPlaceholderNumbers(sandbox).withLoopbackHttp(sandbox));
    }
}
