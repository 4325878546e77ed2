package dev.spirekms.keys;

/**
 * How SPIRE asked for a signature: a hash number (Go crypto.Hash), and for RSA-PSS the salt length.
 *
 * @param hashNumber the hash algorithm number as sent; 0 means unset
 * @param pss whether PSS options were given
 * @param saltLength the PSS salt length as sent (Go: -1 equals hash, 0 auto); ignored unless pss
 */
public record SignerOptions(int hashNumber, boolean pss, int saltLength) {

  public static SignerOptions pkcs1(int hashNumber) {
    return new SignerOptions(hashNumber, false, 0);
  }

  public static SignerOptions pss(int hashNumber, int saltLength) {
    return new SignerOptions(hashNumber, true, saltLength);
  }
}
