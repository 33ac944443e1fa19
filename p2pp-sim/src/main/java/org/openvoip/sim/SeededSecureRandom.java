package org.openvoip.sim;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * A SecureRandom that replays from a seed, for the simulator only: keys, certificates and ECDSA
 * signatures made with it are the same in every run with that seed, so a secured simulation
 * replays to the byte. It is not secure, and nothing on a real network may use it.
 */
public final class SeededSecureRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;
  private final transient SplittableRandom random;

  public SeededSecureRandom(long seed) {
    super(new byte[0]); // no entropy gathering: every byte comes from the seed
    this.random = new SplittableRandom(seed);
  }

  @Override
  public void nextBytes(byte[] bytes) {
    random.nextBytes(bytes);
  }

  @Override
  public byte[] generateSeed(int numBytes) {
    byte[] b = new byte[numBytes];
    random.nextBytes(b);
    return b;
  }

  @Override
  public void setSeed(long seed) {
    // The seed is fixed at construction; SecureRandom's constructor calls this, ignore it.
  }
}
