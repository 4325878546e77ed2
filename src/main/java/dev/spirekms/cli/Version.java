package dev.spirekms.cli;

/** Version strings for the plugin and the Java runtime it runs on. */
final class Version {
  static final String UNKNOWN = "unknown";

  private Version() {}

  /** The Implementation-Version of the jar holding {@code type}, or "unknown" outside a jar. */
  static String of(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null || version.isBlank() ? UNKNOWN : version;
  }

  /** E.g. {@code java 17.0.15+6-Debian-1deb12u1 (Debian, /usr/lib/jvm/java-17-openjdk-amd64)}. */
  static String javaDescription() {
    return "java "
        + Runtime.version()
        + " ("
        + System.getProperty("java.vendor", UNKNOWN)
        + ", "
        + System.getProperty("java.home", UNKNOWN)
        + ")";
  }
}
