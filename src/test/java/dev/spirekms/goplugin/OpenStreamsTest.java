package dev.spirekms.goplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenStreamsTest {
  private final AtomicInteger completions = new AtomicInteger();

  private final StreamObserver<Object> observer =
      new StreamObserver<>() {
        @Override
        public void onNext(Object value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          completions.incrementAndGet();
        }
      };

  @Test
  void completesEachStreamOnce() {
    OpenStreams streams = new OpenStreams();
    OpenStreams.Stream stream = streams.register(observer);

    streams.completeAll();
    stream.complete();

    assertEquals(1, completions.get());
    assertEquals(0, streams.size());
  }

  @Test
  void aStreamOpenedAfterCompleteAllEndsAtOnce() {
    OpenStreams streams = new OpenStreams();
    streams.completeAll();

    streams.register(observer);

    assertEquals(1, completions.get());
    assertEquals(0, streams.size());
  }

  @Test
  void aForgottenStreamIsNotCompleted() {
    OpenStreams streams = new OpenStreams();
    OpenStreams.Stream stream = streams.register(observer);

    stream.forget();
    streams.completeAll();

    assertEquals(0, completions.get());
    assertEquals(0, streams.size());
  }
}
