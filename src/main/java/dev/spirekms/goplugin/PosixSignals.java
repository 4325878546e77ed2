package dev.spirekms.goplugin;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/** SIGINT is ignored; SIGTERM asks the plugin to stop. */
final class PosixSignals implements SignalHandlers {
  static final Signal INT = new Signal("INT");
  static final Signal TERM = new Signal("TERM");

  @Override
  public Runnable install(ShutdownSignal shutdown) {
    // go-plugin server.go: plugins ignore interrupts, so a Ctrl-C in the host's terminal stops only
    // the host, which then unloads its plugins in order
    SignalHandler previousInt = Signal.handle(INT, signal -> {});
    SignalHandler previousTerm =
        Signal.handle(TERM, signal -> shutdown.request("received SIGTERM"));
    return () -> {
      Signal.handle(INT, previousInt);
      Signal.handle(TERM, previousTerm);
    };
  }
}
