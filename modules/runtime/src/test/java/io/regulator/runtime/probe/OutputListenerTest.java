package io.regulator.runtime.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.runtime.process.LaunchedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process layer's output-listener hook that the log probe builds on. */
final class OutputListenerTest {

  @TempDir Path dir;
  private ComponentProcesses processes;

  @BeforeEach
  void setUp() {
    processes = new ComponentProcesses(dir);
  }

  @AfterEach
  void tearDown() {
    processes.close();
  }

  @Test
  void aListenerAddedWithReplayGetsEveryLineFromTheTailOnOnceAndInOrder() throws Exception {
    LaunchedProcess p = processes.launch("counter", "/bin/sh", "-c",
        "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo $i; [ $((i % 100)) = 0 ] && sleep 0.01; done; exit 0");
    await().atMost(Duration.ofSeconds(5)).until(() -> p.tail().size() >= 10);
    List<String> heard = new CopyOnWriteArrayList<>();

    p.addOutputListener(heard::add, true); // while it is still printing

    p.exit().get(10, TimeUnit.SECONDS);
    int first = Integer.parseInt(heard.get(0));
    assertThat(first).isGreaterThan(1); // the tail keeps the last 50 lines only
    assertThat(heard).containsExactlyElementsOf(
        IntStream.rangeClosed(first, 3000).mapToObj(Integer::toString).toList());
  }

  @Test
  void withoutReplayOnlyNewLinesArriveAndARemovedListenerHearsNoMore() throws Exception {
    LaunchedProcess p = processes.launch("ticker", "/bin/sh", "-c", "echo first; sleep 0.3; echo second; "
        + "sleep 0.6; echo third; exec sleep 100000");
    await().atMost(Duration.ofSeconds(5)).until(() -> p.tail().contains("first"));
    List<String> heard = new CopyOnWriteArrayList<>();
    Consumer<String> listener = heard::add;

    p.addOutputListener(listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("second"));
    p.removeOutputListener(listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> p.tail().contains("third"));

    assertThat(heard).containsExactly("second");
  }

  @Test
  void aFailingListenerDoesNotStopTheOutput() throws Exception {
    LaunchedProcess p = processes.launch("talker", "/bin/sh", "-c", "sleep 0.2; echo one; echo two; exit 0");
    p.addOutputListener(line -> {
      throw new IllegalStateException("listener bug");
    });

    p.exit().get(5, TimeUnit.SECONDS);

    assertThat(p.tail()).containsExactly("one", "two");
  }
}
