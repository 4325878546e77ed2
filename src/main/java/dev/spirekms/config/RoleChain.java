package dev.spirekms.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The roles to assume, in order, before calling KMS: the first with the base credentials, each
 * later one with the credentials of the one before it. Empty when no role is assumed.
 *
 * @param hops the roles in the order they are assumed; unmodifiable
 * @param sessionName the configured {@code assume_role_session_name}; empty means derived from the
 *     server id, see {@link #sessionName(String)}
 */
public record RoleChain(List<RoleHop> hops, Optional<String> sessionName) {

  private static final RoleChain NONE = new RoleChain(List.of(), Optional.empty());
  private static final String SESSION_NAME_PREFIX = "spire-server-";
  private static final int MAX_SESSION_NAME_LENGTH = 64;

  public RoleChain {
    hops = List.copyOf(hops);
    Objects.requireNonNull(sessionName, "sessionName");
  }

  /** No assume-role: KMS is called with the base credentials. */
  public static RoleChain none() {
    return NONE;
  }

  public boolean isEmpty() {
    return hops.isEmpty();
  }

  /**
   * {@code spire-server-<server id>} with every character STS does not allow in a session name
   * (anything outside {@code [\w+=,.@-]}) replaced by {@code -}, cut to 64 characters.
   */
  public static String defaultSessionName(String serverId) {
    StringBuilder name = new StringBuilder(MAX_SESSION_NAME_LENGTH);
    (SESSION_NAME_PREFIX + Objects.requireNonNull(serverId, "serverId"))
        .codePoints()
        .limit(MAX_SESSION_NAME_LENGTH)
        .forEach(c -> name.append(RoleChainRules.isSessionNameChar(c) ? (char) c : '-'));
    return name.toString();
  }

  /** The session name to use: the configured one, else {@link #defaultSessionName(String)}. */
  public String sessionName(String serverId) {
    return sessionName.orElseGet(() -> defaultSessionName(serverId));
  }
}
