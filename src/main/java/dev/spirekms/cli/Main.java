package dev.spirekms.cli;

/** Entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("this is a SPIRE plugin, start it from SPIRE server; see README");
    System.exit(1);
  }
}
