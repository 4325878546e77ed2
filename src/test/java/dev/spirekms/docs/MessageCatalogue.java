package dev.spirekms.docs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every operator-visible message, from the one place each comes from: the {@code static final
 * String} constants of the catalogue classes (every {@code *Messages.java} under src/main/java, one
 * per room), and the {@code fail "..."} lines of the launcher, with its shell expansions read as
 * values.
 */
final class MessageCatalogue {
  static final Path MAIN_SOURCES = Path.of("src/main/java");
  static final Path LAUNCHER = Path.of("src/dist/bin/spire-aws-kms-keymanager");
  static final String CATALOGUE_SUFFIX = "Messages.java";

  private static final Pattern FAIL = Pattern.compile("\\bfail \"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern SHELL_EXPANSION =
      Pattern.compile("\\$(?:\\{[^}]*\\}|\\([^)]*\\)|\\w+)");

  /** A message and where it is defined. */
  record Message(String source, String template) {}

  private MessageCatalogue() {}

  static List<Path> catalogueFiles() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(CATALOGUE_SUFFIX))
          .sorted()
          .toList();
    }
  }

  static List<Message> all() throws IOException, ReflectiveOperationException {
    List<Message> messages = new ArrayList<>(catalogued());
    messages.addAll(launcher());
    return messages;
  }

  static List<Message> catalogued() throws IOException, ReflectiveOperationException {
    List<Message> messages = new ArrayList<>();
    for (Path file : catalogueFiles()) {
      String className =
          MAIN_SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
      Class<?> catalogue = Class.forName(className);
      for (Field field : catalogue.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (field.getType() == String.class
            && Modifier.isStatic(modifiers)
            && Modifier.isFinal(modifiers)) {
          field.setAccessible(true);
          messages.add(
              new Message(
                  catalogue.getSimpleName() + "." + field.getName(), (String) field.get(null)));
        }
      }
    }
    return messages;
  }

  static List<Message> launcher() throws IOException {
    List<Message> messages = new ArrayList<>();
    Matcher fail = FAIL.matcher(Files.readString(LAUNCHER));
    while (fail.find()) {
      String text = SHELL_EXPANSION.matcher(fail.group(1)).replaceAll("%s");
      messages.add(new Message("launcher", text));
    }
    return messages;
  }
}
