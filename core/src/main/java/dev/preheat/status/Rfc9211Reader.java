package dev.preheat.status;

import dev.preheat.status.CacheStatus.Kind;
import dev.preheat.status.StructuredFieldList.Member;
import dev.preheat.warm.WarmResponse;
import java.util.List;
import java.util.Locale;

/** Reads RFC 9211 {@code Cache-Status}; see {@link CacheStatusReader#rfc9211()}. */
final class Rfc9211Reader implements CacheStatusReader {

  static final String HEADER = "Cache-Status";

  @Override
  public CacheStatus read(WarmResponse response) {
    long age = Dialects.ageSeconds(response);
    String raw = Dialects.joined(response, HEADER);
    if (raw == null) {
      return new CacheStatus(Kind.UNKNOWN, null, null, age);
    }
    List<Member> members;
    try {
      members = StructuredFieldList.parse(raw);
    } catch (IllegalArgumentException malformed) {
      // A malformed value is still reported raw; other dialects may recognize the response.
      return new CacheStatus(Kind.UNKNOWN, HEADER, raw, age);
    }
    if (members.isEmpty()) {
      return new CacheStatus(Kind.UNKNOWN, HEADER, raw, age);
    }
    // The last member is the cache closest to the client: the one that answered us.
    return new CacheStatus(kindOf(members.get(members.size() - 1)), HEADER, raw, age);
  }

  static Kind kindOf(Member member) {
    Object fwd = member.params().get("fwd");
    if (member.flag("hit") && fwd == null) {
      Object ttl = member.params().get("ttl");
      return ttl instanceof Number n && n.doubleValue() < 0 ? Kind.STALE : Kind.HIT;
    }
    if (fwd == null || fwd instanceof Boolean) {
      return Kind.UNKNOWN;
    }
    switch (fwd.toString().toLowerCase(Locale.ROOT)) {
      case "bypass":
      case "method":
      case "request":
        return Kind.BYPASS;
      case "stale":
        Object fwdStatus = member.params().get("fwd-status");
        return fwdStatus instanceof Long s && s == 304 ? Kind.REVALIDATED : Kind.EXPIRED;
      default:
        // uri-miss, vary-miss, miss, partial and unknown future reasons: it was forwarded.
        return Kind.MISS;
    }
  }

  @Override
  public String toString() {
    return "CacheStatusReader[" + HEADER + "]";
  }
}
