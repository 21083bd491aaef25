/**
 * Traces and log context (issue 16): the switch that keeps OpenTelemetry off unless an OTLP endpoint is set, the
 * span attribute names and the MDC keys a call's log lines carry, and the redaction of query strings from spans.
 * A lower layer: every package that handles a call may use it; it uses none of them.
 */
package io.nexaflow.telemetry;
