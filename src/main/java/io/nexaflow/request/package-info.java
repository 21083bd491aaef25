/**
 * nexaflow's requests to a business's own API (a flow's http node): one request sent safely, its answer as a
 * {@link io.nexaflow.request.RequestOutcome}. Below the engine and the flow service; imports only config.
 */
package io.nexaflow.request;
