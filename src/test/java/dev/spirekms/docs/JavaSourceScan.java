package dev.spirekms.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in one Java source file, the operator-visible messages written as string literals rather
 * than taken from a catalogue:
 *
 * <ul>
 *   <li>a statement that logs at Warn or Error ({@code atWarn()}, {@code atError()}, {@code
 *       atLevel(...)}, {@code warn(...)}, {@code error(...)}) with a literal in its {@code log},
 *       {@code warn} or {@code error} call;
 *   <li>a statement that logs a literal through a log event builder held in a variable, unless the
 *       variable was taken at Info, Debug or Trace in the same file;
 *   <li>a literal among the arguments of a call that makes an error returned to SPIRE or printed to
 *       a person: {@code withDescription}, {@code invalidArgument}, {@code fromCall}, {@code
 *       ConfigResult.failed}, the constructors of the plugin's exceptions that carry such errors,
 *       and {@code err.print}/{@code err.println};
 *   <li>a literal among the arguments of a call that collects a configuration error or warning
 *       ({@code errors.add}, {@code warnings.add}, {@code core.add}, {@code problems.add}, {@code
 *       rejected}) or, in the config package, returns a rule's problem ({@code Optional.of}, see
 *       {@link #CONFIG_RULE_CALLS}), or of a helper that logs its argument as the {@code reason} of
 *       a Warn or Error line ({@code drop}, {@code failed}, {@code retry}).
 * </ul>
 *
 * Comments are ignored; a literal is found wherever it is in an argument list, concatenated or not.
 */
final class JavaSourceScan {
  static final List<String> ERROR_CALLS =
      List.of(
          "withDescription(",
          "invalidArgument(",
          "fromCall(",
          "ConfigResult.failed(",
          "new KeyStoreException(",
          "new KmsCallException(",
          "new CredentialsUnavailableException(",
          "new PluginEnvironmentException(",
          "err.print(",
          "err.println(",
          // the configuration's collectors of errors and warnings, and the problems its rules
          // return
          "errors.add(",
          "warnings.add(",
          "core.add(",
          "problems.add(",
          "rejected(",
          // helpers that log their argument as the reason of a Warn or Error line
          "drop(",
          "failed(",
          "retry(",
          // the doctor's FAIL and WARN findings: message and fix
          "Finding.fail(",
          "Finding.warn(");

  /**
   * Calls scanned in the config package only, where each rule returns its problem as an {@code
   * Optional}; elsewhere {@code Optional.of} holds values, not messages.
   */
  static final List<String> CONFIG_RULE_CALLS = List.of("Optional.of(");

  private static final List<String> WARN_OR_ERROR =
      List.of(".atWarn()", ".atError()", ".atLevel(", ".warn(", ".error(");
  private static final List<String> QUIET =
      List.of(".atInfo()", ".atDebug()", ".atTrace()", ".info(", ".debug(", ".trace(");
  private static final Set<String> LOG_CALLS = Set.of(".log(", ".warn(", ".error(");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("^\\s*(?:[\\w<>.]+\\s+)?(\\w+)\\s*=([^=].*)$", Pattern.DOTALL);
  private static final Pattern LEADING_NAME = Pattern.compile("^\\s*(\\w+)\\s*\\.");

  /** What {@link #mask} leaves of a string literal with a letter in it. */
  static final String WORDS = "\"L\"";

  private JavaSourceScan() {}

  /** Each finding as {@code <statement, shortened>}. */
  static List<String> literalMessages(String source) {
    return literalMessages(source, List.of());
  }

  /** As {@link #literalMessages(String)}, looking also at the calls {@code moreCalls}. */
  static List<String> literalMessages(String source, List<String> moreCalls) {
    List<String> errorCalls = new ArrayList<>(ERROR_CALLS);
    errorCalls.addAll(moreCalls);
    String masked = mask(source);
    List<String> findings = new ArrayList<>();
    Set<String> quietVariables = new java.util.HashSet<>();
    String[] statements = masked.split("[;{}]");
    for (String statement : statements) {
      Matcher assignment = ASSIGNMENT.matcher(statement);
      if (assignment.matches()
          && QUIET.stream().anyMatch(assignment.group(2)::contains)
          && WARN_OR_ERROR.stream().noneMatch(assignment.group(2)::contains)) {
        quietVariables.add(assignment.group(1));
      }
    }
    for (String statement : statements) {
      // one finding per statement, though several rules may find it (Finding.warn is a ".warn(")
      if (logsALiteral(statement, quietVariables)
          || makesAnErrorOfALiteral(statement, errorCalls)) {
        findings.add(shorten(statement));
      }
    }
    return findings;
  }

  private static boolean logsALiteral(String statement, Set<String> quietVariables) {
    boolean loud = WARN_OR_ERROR.stream().anyMatch(statement::contains);
    boolean quietHere = QUIET.stream().anyMatch(statement::contains);
    for (String call : LOG_CALLS) {
      for (String args : argumentsOf(statement, call)) {
        if (!args.contains(WORDS)) {
          continue;
        }
        Matcher name = LEADING_NAME.matcher(statement);
        boolean quietVariable = name.find() && quietVariables.contains(name.group(1));
        if (loud || !(quietHere || quietVariable)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean makesAnErrorOfALiteral(String statement, List<String> errorCalls) {
    for (String call : errorCalls) {
      for (String args : argumentsOf(statement, call)) {
        if (args.contains(WORDS)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The argument lists of every call of {@code call} in the (masked) statement. */
  static List<String> argumentsOf(String statement, String call) {
    List<String> all = new ArrayList<>();
    int from = 0;
    while (true) {
      int at = statement.indexOf(call, from);
      if (at < 0) {
        return all;
      }
      // "new X(" must not match "new XY(", nor ".log(" match ".login(": the call ends with '('
      if (!call.startsWith(".")
          && at > 0
          && Character.isJavaIdentifierPart(statement.charAt(at - 1))) {
        from = at + 1;
        continue;
      }
      int open = at + call.length() - 1;
      int depth = 0;
      int end = statement.length();
      for (int i = open; i < statement.length(); i++) {
        char c = statement.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          end = i;
          break;
        }
      }
      all.add(statement.substring(open + 1, end));
      from = open + 1;
    }
  }

  /**
   * Blanks out comments, replaces every string literal with a letter in it by {@link #WORDS} and
   * every other string or char literal by {@code ""} or {@code ' '}, so that neither parentheses
   * nor separators inside them count. A literal without a letter (": ") is a separator, not a
   * message.
   */
  static String mask(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        int close = source.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
        out.append(' ');
      } else if (source.startsWith("\"\"\"", i)) {
        int close = source.indexOf("\"\"\"", i + 3);
        i = close < 0 ? n : close + 3;
        out.append(WORDS);
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && source.charAt(j) != c) {
          j += source.charAt(j) == '\\' ? 2 : 1;
        }
        boolean letters =
            source.substring(i + 1, Math.min(j, n)).codePoints().anyMatch(Character::isLetter);
        i = j + 1;
        out.append(c == '\'' ? "' '" : letters ? WORDS : "\"\"");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String shorten(String statement) {
    String flat = statement.strip().replaceAll("\\s+", " ");
    return flat.length() > 160 ? flat.substring(0, 160) + "..." : flat;
  }
}
