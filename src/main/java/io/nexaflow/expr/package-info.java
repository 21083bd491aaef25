/**
 * Templates ({@code {{vars.account}}}), CEL conditions, a call's variables and the masking of secrets for
 * data-driven flows (issue 13). Pure: no Quarkus, no CDI, no I/O, so the flow validator and the engine can call it
 * anywhere and its tests run in milliseconds.
 */
package io.nexaflow.expr;
