package dev.spirekms.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dummy credentials in the AWS SDK's system properties for the length of the demo; the values these
 * properties had before are put back on close.
 */
final class DummyCredentials implements AutoCloseable {
  private final Map<String, String> previous = new LinkedHashMap<>();

  static DummyCredentials set() {
    DummyCredentials credentials = new DummyCredentials();
    credentials.put(Demo.ACCESS_KEY_PROPERTY, Demo.DUMMY_ACCESS_KEY_ID);
    credentials.put(Demo.SECRET_KEY_PROPERTY, Demo.DUMMY_SECRET_ACCESS_KEY);
    credentials.put(Demo.SESSION_TOKEN_PROPERTY, null);
    return credentials;
  }

  private void put(String name, String value) {
    previous.put(name, System.getProperty(name));
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  @Override
  public void close() {
    previous.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
  }
}
