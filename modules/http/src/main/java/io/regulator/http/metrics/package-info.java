/**
 * Regulator's Prometheus metrics ({@link io.regulator.http.metrics.RegulatorMetrics}), the
 * resources of the components' process trees, and the business metrics pushed with heartbeats.
 */
package io.regulator.http.metrics;
