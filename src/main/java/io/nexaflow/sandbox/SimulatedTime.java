package io.nexaflow.sandbox;

import io.nexaflow.config.NexaflowConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The sandbox's clock: every wait of a simulated call is simulated time, scaled by the time factor and capped at
 * max-wait, and every step runs on the one timer thread under the call's monitor, unless the call has ended.
 */
@ApplicationScoped
public class SimulatedTime {

    private static final Logger LOG = Logger.getLogger(SimulatedTime.class);

    private final NexaflowConfig.Sandbox config;
    private ScheduledExecutorService timers;

    public SimulatedTime(NexaflowConfig config) {
        this.config = config.sandbox();
    }

    /** The timer thread exists only while the sandbox is enabled. */
    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            timers = Executors.newSingleThreadScheduledExecutor(SandboxThreads.named("sandbox-timers"));
        }
    }

    @PreDestroy
    void stop() {
        if (timers != null) {
            timers.shutdownNow();
        }
    }

    /** Runs {@code then} after {@code simulatedMs} of simulated time, unless the call has ended by then; replaces the call's pending wait. */
    void after(SimulatedCall call, long simulatedMs, Runnable then) {
        call.cancelTimer();
        call.timer = timers.schedule(() -> act(call, then), scaled(simulatedMs), TimeUnit.MICROSECONDS);
    }

    /** Hands what {@code future} completes with to {@code then}, on the timer thread under the call's monitor. */
    <T> void whenDone(SimulatedCall call, CompletableFuture<T> future, BiConsumer<T, Throwable> then) {
        future.whenCompleteAsync((value, failure) -> act(call, () -> then.accept(value, failure)), timers);
    }

    private void act(SimulatedCall call, Runnable then) {
        synchronized (call) {
            if (call.ended()) {
                return;
            }
            try {
                then.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "Sandbox call %s failed", call.id);
                call.end("sandbox-error", "The sandbox failed: " + e, null);
            }
        }
    }

    /** Simulated milliseconds to real microseconds: times the factor, at most max-wait. */
    private long scaled(long simulatedMs) {
        double micros = simulatedMs * 1000.0 * config.timeFactor();
        return (long) Math.max(0, Math.min(micros, config.maxWait().toNanos() / 1000.0));
    }
}
