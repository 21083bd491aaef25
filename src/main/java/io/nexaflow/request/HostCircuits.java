package io.nexaflow.request;

import io.nexaflow.request.RequestOutcome.Answered;
import io.nexaflow.request.RequestOutcome.Failed;
import io.nexaflow.request.RequestOutcome.Reason;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.util.TypeLiteral;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One circuit breaker per host[:port] (SmallRye Fault Tolerance's programmatic guard). Timeouts, connection
 * failures and 5xx answers count against a host; 4xx answers, bodies that are not JSON or too large, and refused
 * addresses do not (the host is up; the request or the flow is wrong). While a circuit is open, requests to its host
 * are answered {@link Reason#CIRCUIT_OPEN} at once; after the delay one trial request goes through and its outcome
 * closes or reopens it.
 */
final class HostCircuits {

    /** The guard's settings: the window of recent requests, the failed share that opens it, the open time. */
    record Settings(int requests, double failureRatio, Duration delay) {
    }

    private static final TypeLiteral<CompletionStage<RequestOutcome>> OUTCOME_STAGE = new TypeLiteral<>() {
    };

    private final Settings settings;
    private final ConcurrentMap<String, TypedGuard<CompletionStage<RequestOutcome>>> guards = new ConcurrentHashMap<>();

    HostCircuits(Settings settings) {
        this.settings = settings;
    }

    /**
     * Runs {@code send} through the circuit of {@code hostPort}; {@code openOutcome} makes the answer for an open
     * circuit (it is given the message). The stage completes exceptionally only when {@code send}'s does.
     */
    CompletionStage<RequestOutcome> call(String hostPort, Supplier<CompletionStage<RequestOutcome>> send,
                                         Function<String, RequestOutcome> openOutcome) {
        TypedGuard<CompletionStage<RequestOutcome>> guard = guards.computeIfAbsent(hostPort, host -> newGuard());
        return guard.get(() -> send.get().thenCompose(HostCircuits::failWhenCounted))
                .handle((outcome, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(outcome);
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof HostFailure failure) {
                        return CompletableFuture.completedFuture(failure.outcome);
                    }
                    if (cause instanceof CircuitBreakerOpenException) {
                        return CompletableFuture.completedFuture(openOutcome.apply(
                                "the circuit of " + hostPort + " is open after repeated failures"));
                    }
                    return CompletableFuture.<RequestOutcome>failedFuture(cause);
                })
                .thenCompose(Function.identity());
    }

    private TypedGuard<CompletionStage<RequestOutcome>> newGuard() {
        return TypedGuard.create(OUTCOME_STAGE)
                .withCircuitBreaker()
                .requestVolumeThreshold(settings.requests())
                .failureRatio(settings.failureRatio())
                .delay(settings.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(error -> error instanceof HostFailure)
                .done()
                .build();
    }

    /** Whether an outcome says the host is failing, as opposed to answering. */
    static boolean countsAgainstHost(RequestOutcome outcome) {
        if (outcome instanceof Answered answered) {
            return answered.status() >= 500;
        }
        Reason reason = ((Failed) outcome).reason();
        return reason == Reason.TIMEOUT || reason == Reason.CONNECT_FAILED;
    }

    private static CompletionStage<RequestOutcome> failWhenCounted(RequestOutcome outcome) {
        return countsAgainstHost(outcome) ? CompletableFuture.failedFuture(new HostFailure(outcome))
                : CompletableFuture.completedFuture(outcome);
    }

    /** Carries a counted outcome through the guard, which only counts exceptions; it never leaves this class. */
    private static final class HostFailure extends RuntimeException {
        final transient RequestOutcome outcome;

        HostFailure(RequestOutcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }
}
