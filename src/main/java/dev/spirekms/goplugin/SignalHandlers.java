package dev.spirekms.goplugin;

/** Installs the process's signal handlers. */
interface SignalHandlers {
  /** Installs the handlers and returns what puts the previous handlers back. */
  Runnable install(ShutdownSignal shutdown);
}
