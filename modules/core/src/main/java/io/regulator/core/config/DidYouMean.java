package io.regulator.core.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * Suggests the known name nearest to a misspelt one. Names are compared without case, '-' and
 * '_', so {@code maxRestarts} and {@code max_restarts} both find {@code max-restarts}.
 */
public final class DidYouMean {

  private DidYouMean() {}

  /** The nearest candidate: at most 1 edit away (2 for names of 5+ letters), or sharing a 4+ letter prefix. */
  public static Optional<String> nearest(String typed, Collection<String> candidates) {
    String t = normalize(typed);
    return candidates.stream()
        .map(c -> new Match(c, distance(t, normalize(c)), commonPrefix(t, normalize(c))))
        .filter(m -> m.distance <= (t.length() < 5 ? 1 : 2) || m.prefix >= 4)
        .min(Comparator.comparingInt(Match::distance)
            .thenComparing(Comparator.comparingInt(Match::prefix).reversed())
            .thenComparing(Match::name))
        .map(Match::name);
  }

  /** {@code " (did you mean 'x'?)"}, or nothing. */
  public static String hint(String typed, Collection<String> candidates) {
    return nearest(typed, candidates).map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  private record Match(String name, int distance, int prefix) {}

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  /**
   * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), so
   * {@code restrat} is as close to {@code restart} as a single typo.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
