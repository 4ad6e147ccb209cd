package dev.preheat.hotset;

/** What a request weighs when entries are ranked and coverage is measured. */
public enum Weight {
  /** Each request weighs 1 (a counts row weighs its count): rank by how often a URL is hit. */
  REQUESTS,
  /**
   * Each request weighs its response body bytes: rank by how much origin transfer a cold cache
   * would cost. Records with unknown size ({@code bytes == 0}, e.g. most {@code 304}s) weigh 0.
   */
  BYTES
}
