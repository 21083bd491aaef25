package io.nexaflow.request;

import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Turns a host name into the addresses it stands for. {@link BusinessApi} checks every one and connects to the one
 * it checked, so what is resolved here is what is connected to; tests stub it to play DNS tricks.
 */
@FunctionalInterface
public interface AddressResolver {

    CompletionStage<List<InetAddress>> resolve(String host);

    /** The JVM's resolver (and its cache), called on a Vert.x worker thread, never on the event loop. */
    static AddressResolver system(Vertx vertx) {
        return host -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false)
                .toCompletionStage();
    }
}
