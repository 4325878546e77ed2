package dev.spirekms.aws;

/**
 * No valid credentials for a role hop: it was never assumed, or its session expired and could not
 * be refreshed. Thrown by {@link AssumedRoleHop#resolveCredentials()}; {@link AwsCalls} turns it
 * into an unavailable call that names the hop.
 */
public final class CredentialsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CredentialsUnavailableException(String message) {
    super(message);
  }
}
