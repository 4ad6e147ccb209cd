package dev.preheat.hotset;

import java.util.Arrays;
import java.util.SplittableRandom;

/** A seeded Zipf sampler over {@code n} URLs: rank r (1-based) has weight 1/r^s. */
final class Zipf {
  private final double[] cdf;
  private final String[] urls;
  private final SplittableRandom random;

  Zipf(int n, double s, long seed) {
    cdf = new double[n];
    double sum = 0;
    for (int r = 1; r <= n; r++) {
      sum += 1.0 / Math.pow(r, s);
      cdf[r - 1] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    urls = new String[n];
    // scramble names so rank order and lexical order do not coincide
    for (int i = 0; i < n; i++) {
      urls[i] = "/product/" + Integer.toHexString((i * 0x9E3779B1) ^ 0x5bd1e995) + "?v=" + i;
    }
    random = new SplittableRandom(seed);
  }

  String next() {
    int i = Arrays.binarySearch(cdf, random.nextDouble());
    return urls[i >= 0 ? i : Math.min(-i - 1, urls.length - 1)];
  }
}
