package dev.spirekms.testing;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Seeds and small generators for seeded randomised tests with plain JUnit 5.
 *
 * <p>A test takes a seed from {@link #seeds()} through {@code @ParameterizedTest(name = "seed
 * {0}") @MethodSource("dev.spirekms.testing.RandomCases#seeds")} and runs its cases with {@link
 * #run}. Every run covers the fixed seeds (known cases) and a few fresh ones; {@code
 * -Dspirekms.seed=<n>} runs seed {@code n} alone, which replays a failure: the failure's message
 * names its seed and case.
 *
 * <p>The generators favour edge values (empty, shortest, longest, boundary numbers, odd
 * characters): about one draw in four is an edge value.
 */
public final class RandomCases {
  /** The system property that replays one seed. */
  public static final String SEED_PROPERTY = "spirekms.seed";

  private static final long[] FIXED_SEEDS = {1L, 7L, 42L, 20_260_101L, -3L, 0x5EED_CAFE_F00DL};
  private static final int FRESH_SEEDS = 2;

  /** Characters that trouble text handling: controls, BOM, bidi overrides, lone surrogates. */
  private static final String ODD_CHARS =
      "\u0000\u0001\u001f\u007f\u0085\u00a0\u00e9\u200b\u202e\u2028\uFEFF\uFFFD\uFFFF\uD800\uDC00";

  private static final String ALPHANUMERIC =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private RandomCases() {}

  /** The seeds of one run: the fixed ones and fresh ones, or only {@code -Dspirekms.seed}. */
  public static Stream<Long> seeds() {
    String replay = System.getProperty(SEED_PROPERTY);
    if (replay != null && !replay.isBlank()) {
      return Stream.of(Long.parseLong(replay.trim()));
    }
    SecureRandom fresh = new SecureRandom();
    return Stream.concat(
        LongStream.of(FIXED_SEEDS).boxed(),
        LongStream.generate(fresh::nextLong).limit(FRESH_SEEDS).boxed());
  }

  /** How many seeds {@link #seeds()} gives without {@code -Dspirekms.seed}. */
  public static int seedCount() {
    return FIXED_SEEDS.length + FRESH_SEEDS;
  }

  /** One case of a seeded test. */
  @FunctionalInterface
  public interface Case {
    void check(Random random, int index) throws Exception;
  }

  /**
   * Runs {@code cases} cases from one random source seeded with {@code seed}; a failure is reported
   * with the seed, the case and how to replay it.
   */
  public static void run(long seed, int cases, Case check) {
    Random random = new Random(seed);
    for (int i = 0; i < cases; i++) {
      try {
        check.check(random, i);
      } catch (Exception | AssertionError e) {
        throw new AssertionError(
            "seed "
                + seed
                + ", case "
                + i
                + " of "
                + cases
                + " (replay with -D"
                + SEED_PROPERTY
                + "="
                + seed
                + "): "
                + e,
            e);
      }
    }
  }

  /** The cases per seed that make about {@code total} cases over the seeds of a full run. */
  public static int casesPerSeed(int total) {
    return Math.max(1, (total + seedCount() - 1) / seedCount());
  }

  /** True about one time in {@code n}. */
  public static boolean oneIn(Random random, int n) {
    return random.nextInt(n) == 0;
  }

  /** One of the values, uniformly. */
  @SafeVarargs
  public static <T> T oneOf(Random random, T... values) {
    return values[random.nextInt(values.length)];
  }

  /** One of the values, uniformly. */
  public static <T> T oneOf(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** A number in {@code [min, max]}, either bound one time in four. */
  public static int between(Random random, int min, int max) {
    if (oneIn(random, 4)) {
      return random.nextBoolean() ? min : max;
    }
    return (int) (min + (long) (random.nextDouble() * ((long) max - min + 1)));
  }

  /** Any int, a boundary value (0, ±1, MIN, MAX) one time in four. */
  public static int anyInt(Random random) {
    if (oneIn(random, 4)) {
      return oneOf(random, 0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE);
    }
    return random.nextInt();
  }

  /** A list of {@code min} to {@code max} elements from {@code element}. */
  public static <T> List<T> listOf(
      Random random, int min, int max, Function<Random, ? extends T> element) {
    int size = between(random, min, max);
    List<T> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(element.apply(random));
    }
    return list;
  }

  /** Text of {@code min} to {@code max} characters, each one of {@code chars}. */
  public static String stringOf(Random random, String chars, int min, int max) {
    int length = between(random, min, max);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(chars.charAt(random.nextInt(chars.length())));
    }
    return text.toString();
  }

  /** Letters and digits, with the {@code extra} characters. */
  public static String alphanumeric(Random random, String extra, int min, int max) {
    return stringOf(random, ALPHANUMERIC + extra, min, max);
  }

  /** Letters only. */
  public static String alpha(Random random, int min, int max) {
    return stringOf(random, ALPHANUMERIC.substring(0, 52), min, max);
  }

  /**
   * Text of any UTF-16 chars: ASCII, odd characters (controls, BOM, bidi override, lone
   * surrogates), whole surrogate pairs and any char at all.
   */
  public static String anyString(Random random, int min, int max) {
    int length = between(random, min, max);
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      switch (random.nextInt(5)) {
        case 0, 1 -> text.append((char) (0x20 + random.nextInt(0x5f)));
        case 2 -> text.append(ODD_CHARS.charAt(random.nextInt(ODD_CHARS.length())));
        case 3 -> {
          if (text.length() + 2 <= length) {
            text.appendCodePoint(0x10000 + random.nextInt(0x100000));
          }
        }
        default -> text.append((char) random.nextInt(0x10000));
      }
    }
    return text.toString();
  }

  /** Bytes of any value, up to {@code maxSize} of them. */
  public static byte[] bytes(Random random, int maxSize) {
    return bytesOfSize(random, between(random, 0, maxSize));
  }

  /** Exactly {@code size} bytes of any value. */
  public static byte[] bytesOfSize(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }
}
