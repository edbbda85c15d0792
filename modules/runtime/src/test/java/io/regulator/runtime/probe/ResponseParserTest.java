package io.regulator.runtime.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response parser, fed as the network may cut a response: whole, or one byte at a time. */
final class ResponseParserTest {

  private static final int CAP = 64;

  private static ResponseParser parsed(String raw, boolean keepBody, boolean byteByByte)
      throws ResponseParser.Malformed {
    ResponseParser parser = new ResponseParser(keepBody, CAP, 1024);
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    boolean done = false;
    if (byteByByte) {
      for (int i = 0; i < bytes.length && !done; i++) {
        done = parser.feed(ByteBuffer.wrap(bytes, i, 1));
      }
    } else {
      done = parser.feed(ByteBuffer.wrap(bytes));
    }
    assertThat(done).as("complete").isTrue();
    return parser;
  }

  @Test
  void aChunkedBodyArrivesInAnyPieces() throws Exception {
    String raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "3\r\nabc\r\n1A;x=y\r\n" + "z".repeat(26) + "\r\n0\r\nTrailer: t\r\n\r\n";
    for (boolean byteByByte : new boolean[] {false, true}) {
      ResponseParser p = parsed(raw, true, byteByByte);
      assertThat(p.status()).isEqualTo(200);
      assertThat(p.body()).isEqualTo("abc" + "z".repeat(26));
      assertThat(p.reusable()).isTrue();
    }
  }

  @Test
  void interimAnswersAreSkippedAndBareLineFeedsAccepted() throws Exception {
    ResponseParser p = parsed("HTTP/1.1 100 Continue\n\nHTTP/1.1 503 Busy\nContent-Length: 4\n\nbusy", true, true);

    assertThat(p.status()).isEqualTo(503);
    assertThat(p.body()).isEqualTo("busy");
  }

  @Test
  void theConnectionIsKeptOnlyWhenTheServerAllowsIt() throws Exception {
    assertThat(parsed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, false).reusable()).isTrue();
    assertThat(parsed("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", false, false).reusable())
        .isFalse();
    assertThat(parsed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false, false).reusable()).isFalse();
    assertThat(parsed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false, false)
        .reusable()).isTrue();
    assertThat(parsed("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", false, false).reusable()).isTrue();
  }

  @Test
  void aBodyPastTheCapEndsTheAnswerAndTheConnection() throws Exception {
    String big = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + "b".repeat(1000);

    ResponseParser kept = parsed(big, true, true);
    assertThat(kept.body()).hasSize(CAP);
    assertThat(kept.reusable()).isFalse();

    ResponseParser skipped = parsed("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", false, false);
    assertThat(skipped.body()).isEmpty();
    assertThat(skipped.reusable()).isFalse();

    ResponseParser small = parsed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", false, true);
    assertThat(small.reusable()).as("a small discarded body is skipped").isTrue();
  }

  @Test
  void aBodyUntilCloseEndsAtTheEndOfStream() throws Exception {
    ResponseParser p = new ResponseParser(true, CAP, 1024);
    assertThat(p.feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\n\r\npartial".getBytes(StandardCharsets.ISO_8859_1)))).isFalse();

    assertThat(p.endOfStream()).isTrue();
    assertThat(p.body()).isEqualTo("partial");
    assertThat(p.reusable()).isFalse();
  }

  @Test
  void malformedResponsesSayWhatIsWrong() {
    assertThatThrownBy(() -> parsed("HTTP/1.1 2x0 OK\r\n\r\n", true, false)).hasMessage("bad status in 'HTTP/1.1 2x0 OK'");
    assertThatThrownBy(() -> parsed("<html>\r\n", true, false))
        .hasMessage("not an HTTP/1.x response: '<html>'");
    assertThatThrownBy(() -> parsed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", true, false))
        .hasMessage("conflicting Content-Length headers");
    assertThatThrownBy(() -> parsed("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", true, false))
        .hasMessage("bad Content-Length '-1'");
    assertThatThrownBy(() -> parsed("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", true, false))
        .hasMessage("malformed header line 'no colon here'");
    assertThatThrownBy(() -> parsed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true, false))
        .hasMessage("malformed chunk size 'zz'");
    assertThatThrownBy(() -> parsed("HTTP/1.1 200 OK\r\nX: " + "y".repeat(2000) + "\r\n\r\n", true, false))
        .hasMessage("response headers too large");
    ResponseParser cut = new ResponseParser(true, CAP, 1024);
    assertThatThrownBy(() -> {
      cut.feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1)));
      cut.endOfStream();
    }).hasMessage("connection closed mid-response");
  }
}
