package io.nexaflow.number;

import io.nexaflow.config.NexaflowConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

public class NumberBeans {

    /** Placeholder numbers of the vendor page ("096506xxxxx") are accepted only when the sandbox is on. */
    @Produces
    @Singleton
    PhoneNumbers phoneNumbers(NexaflowConfig config) {
        return new PhoneNumbers(config.defaultRegion(), config.sandbox().enabled());
    }
}
