package io.nexaflow.webhook;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.nexaflow.state.CallbackVerbs;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Callback latency as a histogram, so a dashboard and an alert can take its p99 across pods: the HTTP server's
 * timer of the callback endpoint (and of no other: every bucket is a series per status) gets fixed buckets around
 * the commit budget (200 ms) and the platform's patience (3 s).
 */
@Singleton
public class CallbackLatency {

    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(3)};

    @Produces
    @Singleton
    MeterFilter callbackBuckets() {
        double[] nanos = new double[BUCKETS.length];
        for (int i = 0; i < BUCKETS.length; i++) {
            nanos[i] = BUCKETS[i].toNanos();
        }
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if ("http.server.requests".equals(id.getName()) && CallbackVerbs.PATH.equals(id.getTag("uri"))) {
                    return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
                }
                return config;
            }
        };
    }
}
