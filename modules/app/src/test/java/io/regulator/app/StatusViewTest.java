package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code regulator status} from the shapes of docs/http-api.md. */
class StatusViewTest {

  static final String STATUS = """
      {"state": "DEGRADED", "score": 83, "node": "local", "time": "2026-11-24T10:15:30.123Z",
       "counts": {"READY": 2, "BACKOFF": 1, "STOPPED": 1},
       "components": [
         {"name": "web", "state": "READY", "ready": true, "pid": 4242, "restarts": 0, "circuit": "CLOSED",
          "critical": true, "wantedUp": true},
         {"name": "worker", "state": "BACKOFF", "ready": false, "pid": null, "restarts": 3, "circuit": "CLOSED",
          "critical": false, "wantedUp": true},
         {"name": "db", "state": "READY", "ready": true, "pid": 4100, "restarts": 1, "circuit": "CLOSED",
          "critical": false, "wantedUp": true},
         {"name": "batch", "state": "STOPPED", "ready": false, "pid": null, "restarts": 0, "circuit": "CLOSED",
          "critical": false, "wantedUp": false}]}
      """;

  static final String COMPONENTS = """
      [{"name": "web", "state": "READY", "wantedUp": true, "pid": 4242, "uptimeMillis": 4881234, "restarts": 0,
        "circuit": "CLOSED", "ready": true, "critical": true, "lastExit": null},
       {"name": "worker", "state": "BACKOFF", "wantedUp": true, "pid": null, "uptimeMillis": null, "restarts": 3,
        "circuit": "CLOSED", "ready": false, "critical": false,
        "lastExit": {"code": 1, "signal": null, "time": "2026-11-24T10:15:30.123Z",
                     "cause": "exited with code 1 (see the last lines of logs/worker.log)", "category": "EXIT_CODE",
                     "suggestion": "see the last lines of logs/worker.log"}},
       {"name": "db", "state": "READY", "wantedUp": true, "pid": 4100, "uptimeMillis": 45000, "restarts": 1,
        "circuit": "CLOSED", "ready": true, "critical": false,
        "lastExit": {"code": null, "signal": "KILL", "time": "…", "category": "SIGNAL"}},
       {"name": "batch", "state": "STOPPED", "wantedUp": false, "pid": null, "restarts": 0, "circuit": "CLOSED",
        "ready": false, "critical": false, "lastExit": null}]
      """;

  @Test
  void theTableHasTheOverallStateScoreAndOneAlignedRowPerComponent() throws Exception {
    String table = StatusView.table(Json.parse(STATUS), Json.parse(COMPONENTS), "http://127.0.0.1:8080");

    assertThat(table).isEqualTo("""
        DEGRADED, score 83: 2/3 ready, 1 stopped (node local, http://127.0.0.1:8080)

        NAME    STATE           PID   UPTIME  RESTARTS  CIRCUIT  READY  LAST EXIT
        web     READY           4242  1h21m   0         CLOSED   yes    -
        worker  BACKOFF         -     -       3         CLOSED   no     exited with code 1 (see the last lines of logs/worker.log)
        db      READY           4100  45s     1         CLOSED   yes    killed by KILL
        batch   STOPPED (down)  -     -       0         CLOSED   no     -
        """);
  }

  @Test
  void aServiceWithoutComponentsSaysSo() throws Exception {
    String table = StatusView.table(Json.parse("{\"state\":\"DOWN\",\"score\":0,\"components\":[]}"),
        Json.parse("[]"), "http://h:1");
    assertThat(table).isEqualTo("DOWN, score 0: 0/0 ready (http://h:1)\nno components\n");
  }

  @Test
  void oneComponentShowsItsDetailFieldByField() throws Exception {
    String detail = StatusView.component(Json.parse("""
        {"name": "web", "state": "READY", "wantedUp": true, "pid": 4242, "uptimeMillis": 81234,
         "since": "2026-11-24T10:15:30.123Z", "restarts": 2, "circuit": "CLOSED", "ready": true, "critical": true,
         "group": "site", "dependsOn": ["db"], "dependsOnKinds": {"db": "requires"},
         "lastExit": {"code": 1, "signal": null, "time": "2026-11-24T10:00:00.000Z", "cause": "exited with code 1",
                      "category": "EXIT_CODE", "suggestion": "see logs/web.log"},
         "lastCause": null,
         "probes": [{"role": "readiness", "kind": "http", "healthy": true, "lastLatencyMillis": 3,
                     "consecutiveFailures": 0, "lastCheck": "…", "lastCause": null},
                    {"role": "liveness", "kind": "tcp", "healthy": false, "lastLatencyMillis": 1000,
                     "consecutiveFailures": 2, "lastCheck": "…",
                     "lastCause": {"category": "PROBE", "detail": "connection refused"}}],
         "resources": {"residentMemoryBytes": 12582912, "cpuSeconds": 1.25, "threads": 3},
         "heartbeat": {"last": "2026-11-24T10:15:00.000Z", "metrics": {"processed": 120, "failed": 2}},
         "recentOutput": ["Serving HTTP on 127.0.0.1 port 8101"]}
        """));

    assertThat(detail).isEqualTo("""
        name:            web
        state:           READY (wanted up)
        ready:           yes
        pid:             4242
        uptime:          1m21s
        since:           2026-11-24T10:15:30.123Z
        restarts:        2
        circuit:         CLOSED
        critical:        yes
        group:           site
        depends on:      db (requires)
        last exit:       2026-11-24T10:00:00.000Z, code 1, exited with code 1
                         see logs/web.log
        probe readiness: http, healthy, 3 ms
        probe liveness:  tcp, failing, 1000 ms, 2 failures in a row, connection refused
        resources:       12.0 MiB, 1.25 s CPU, 3 threads
        heartbeat:       2026-11-24T10:15:00.000Z, processed=120 failed=2
        recent output:
          Serving HTTP on 127.0.0.1 port 8101
        """);
  }

  @Test
  void uptimesAreShortAndReadable() {
    assertThat(StatusView.duration(850)).isEqualTo("850ms");
    assertThat(StatusView.duration(45_000)).isEqualTo("45s");
    assertThat(StatusView.duration(725_000)).isEqualTo("12m05s");
    assertThat(StatusView.duration(3 * 3600_000L + 21 * 60_000)).isEqualTo("3h21m");
    assertThat(StatusView.duration(2 * 86400_000L + 3 * 3600_000L)).isEqualTo("2d03h");
  }
}
