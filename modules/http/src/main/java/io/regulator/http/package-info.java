/** The HTTP API, Prometheus metrics and the dashboard of Regulator, on Pekko HTTP. */
package io.regulator.http;
