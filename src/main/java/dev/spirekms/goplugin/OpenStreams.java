package dev.spirekms.goplugin;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server streams that stay open for the life of the connection (broker, stdio). Tracking them lets
 * a stop complete them at once instead of waiting out the server's grace period.
 */
final class OpenStreams {
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Starts tracking a response stream. Must be called from the service method itself. */
  Stream register(StreamObserver<?> responses) {
    Stream stream = new Stream(responses);
    if (responses instanceof ServerCallStreamObserver) {
      ((ServerCallStreamObserver<?>) responses).setOnCancelHandler(stream::forget);
    }
    open.add(stream);
    if (closed) {
      stream.complete();
    }
    return stream;
  }

  /** Completes every open stream with OK, and any stream registered later at once. */
  void completeAll() {
    closed = true;
    for (Stream stream : open) {
      stream.complete();
    }
  }

  int size() {
    return open.size();
  }

  /** One tracked stream; completing and forgetting are idempotent and thread-safe. */
  final class Stream {
    private final StreamObserver<?> responses;
    private boolean done;

    private Stream(StreamObserver<?> responses) {
      this.responses = responses;
    }

    /** Ends the stream with OK, unless it already ended. */
    synchronized void complete() {
      if (done) {
        return;
      }
      done = true;
      open.remove(this);
      responses.onCompleted();
    }

    /** Stops tracking a stream the client cancelled or failed. */
    synchronized void forget() {
      done = true;
      open.remove(this);
    }
  }
}
