/**
 * The deterministic discrete-event simulator: virtual time, a network model, churn and
 * workloads, running the real P2PP engine of p2pp-core behind a simulated environment. Arrives with
 * the node-engine issue; this module exists now so that dependency directions are fixed.
 */
package org.openvoip.sim;
