package dev.spirekms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

class HclogServiceProviderTest {
  private final CapturedLines out = new CapturedLines();

  @Test
  void isTheOnlyProviderSlf4jFinds() {
    List<Class<?>> providers =
        ServiceLoader.load(SLF4JServiceProvider.class).stream()
            .map(ServiceLoader.Provider::type)
            .collect(Collectors.toList());
    assertEquals(List.of(HclogServiceProvider.class), providers);
    assertInstanceOf(HclogLoggerFactory.class, LoggerFactory.getILoggerFactory());
    assertInstanceOf(HclogLogger.class, LoggerFactory.getLogger("dev.spirekms.Any"));
  }

  @Test
  void servesFactoriesAfterInitialising() {
    HclogServiceProvider provider = new HclogServiceProvider();
    provider.initialize();
    assertInstanceOf(HclogLoggerFactory.class, provider.getLoggerFactory());
    assertNotNull(provider.getMarkerFactory().getMarker("M"));
    assertNotNull(provider.getMDCAdapter());
    assertTrue(provider.getRequestedApiVersion().startsWith("2.0."));
  }

  @Test
  void reportsAnUnknownLevelWhenInitialised() {
    HclogServiceProvider provider = new HclogServiceProvider("loud", out.sink());
    provider.initialize();
    Map<String, String> warning = out.only();
    assertEquals("warn", warning.get("@level"));
    assertEquals("loud", warning.get("value"));
    assertTrue(provider.getLoggerFactory().getLogger("dev.spirekms.A").isDebugEnabled());
  }

  @Test
  void aKnownLevelIsAppliedSilently() {
    HclogServiceProvider provider = new HclogServiceProvider("warn", out.sink());
    provider.initialize();
    assertEquals("", out.text());
    assertEquals(false, provider.getLoggerFactory().getLogger("dev.spirekms.A").isInfoEnabled());
  }

  @Test
  void theMdcAdapterItServesFeedsItsLines() {
    HclogServiceProvider provider = new HclogServiceProvider(null, out.sink());
    provider.initialize();
    provider.getMDCAdapter().put("spire_key_id", "x-509-CA-A");
    try {
      provider.getLoggerFactory().getLogger("dev.spirekms.A").info("With context");
    } finally {
      provider.getMDCAdapter().clear();
    }
    assertEquals("x-509-CA-A", out.only().get("spire_key_id"));
    assertSame(provider.getMDCAdapter(), provider.getMDCAdapter());
  }
}
