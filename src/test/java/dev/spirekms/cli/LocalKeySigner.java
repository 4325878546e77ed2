package dev.spirekms.cli;

import dev.spirekms.proto.keymanager.v1.HashAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A KeySigner over a JDK EC key pair, signing digests as KMS does (DER), recording its calls. */
final class LocalKeySigner implements KeySigner {
  record Call(String keyId, int digestLength, HashAlgorithm hash) {}

  final KeyPair keyPair;
  final List<Call> calls = new ArrayList<>();
  private final UnaryOperator<byte[]> tamper;

  private LocalKeySigner(KeyPair keyPair, UnaryOperator<byte[]> tamper) {
    this.keyPair = keyPair;
    this.tamper = tamper;
  }

  static LocalKeySigner ec(String curve) throws GeneralSecurityException {
    return new LocalKeySigner(ecKeyPair(curve), signature -> signature);
  }

  /** The same key, with every signature passed through {@code tamper}. */
  LocalKeySigner tampering(UnaryOperator<byte[]> tamper) {
    return new LocalKeySigner(keyPair, tamper);
  }

  static KeyPair ecKeyPair(String curve) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  /** Flips one bit in the middle of the signature. */
  static byte[] flipABit(byte[] signature) {
    byte[] copy = signature.clone();
    copy[copy.length / 2] ^= 0x01;
    return copy;
  }

  @Override
  public byte[] sign(String keyId, byte[] digest, HashAlgorithm hash)
      throws GeneralSecurityException {
    calls.add(new Call(keyId, digest.length, hash));
    // NONEwithECDSA signs the digest as given, as KMS does for MessageType DIGEST
    Signature signer = Signature.getInstance("NONEwithECDSA");
    signer.initSign(keyPair.getPrivate());
    signer.update(digest);
    return tamper.apply(signer.sign());
  }
}
