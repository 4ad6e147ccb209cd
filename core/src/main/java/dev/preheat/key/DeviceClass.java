package dev.preheat.key;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The device class a cache varies on when it normalizes {@code User-Agent} into a few buckets, as
 * Fastly's and Varnish's device detection (an {@code X-UA-Device} style header) do.
 */
public enum DeviceClass {
  /** Phones: iPhone, Android with {@code Mobile}, Windows Phone, ... */
  MOBILE,
  /** Tablets: iPad, Android without {@code Mobile}, Kindle/Silk, UAs saying {@code Tablet}. */
  TABLET,
  /** Everything else, including requests without a {@code User-Agent}. */
  DESKTOP;

  /** The {@code Sec-CH-UA-Mobile} value of a mobile browser (a structured-field boolean). */
  public static final String CLIENT_HINT_MOBILE = "?1";

  /** The {@code Sec-CH-UA-Mobile} value of a browser that is not mobile. */
  public static final String CLIENT_HINT_NOT_MOBILE = "?0";

  /**
   * Classifies a request.
   *
   * <p>The {@code Sec-CH-UA-Mobile} client hint wins over sniffing the user agent: {@code ?1} is
   * {@link #MOBILE}; {@code ?0} is not mobile, and the user agent only decides between {@link
   * #TABLET} (Chrome on an Android tablet sends {@code ?0}) and {@link #DESKTOP}. Any other hint
   * value is ignored. Without a usable hint the user agent decides; tablet markers ({@code iPad},
   * {@code Tablet}, {@code Kindle}, {@code Silk}, {@code PlayBook}, {@code Android} without
   * {@code Mobile}) are checked before phone markers because iPad user agents also say {@code
   * Mobile}. iPadOS in its default desktop mode sends a Mac user agent and is classified {@link
   * #DESKTOP}, as every UA-based cache does. Pure and thread-safe.
   *
   * @param userAgent the {@code User-Agent} value, or null when absent
   * @param secChUaMobile the {@code Sec-CH-UA-Mobile} value, or null when absent
   * @return the device class, never null
   */
  public static DeviceClass detect(@Nullable String userAgent, @Nullable String secChUaMobile) {
    String ua = userAgent == null ? "" : userAgent.toLowerCase(Locale.ROOT);
    String hint = secChUaMobile == null ? "" : secChUaMobile.trim();
    if (hint.equals(CLIENT_HINT_MOBILE)) {
      return MOBILE;
    }
    boolean tablet = isTablet(ua);
    if (hint.equals(CLIENT_HINT_NOT_MOBILE)) {
      return tablet ? TABLET : DESKTOP;
    }
    if (tablet) {
      return TABLET;
    }
    return isMobile(ua) ? MOBILE : DESKTOP;
  }

  private static boolean isTablet(String ua) {
    if (ua.contains("ipad") || ua.contains("kindle") || ua.contains("silk/") || ua.contains("playbook")) {
      return true;
    }
    // Windows "Tablet PC 2.0" is a desktop OS feature flag, not a tablet.
    if (ua.contains("tablet") && !ua.contains("tablet pc")) {
      return true;
    }
    return ua.contains("android") && !ua.contains("mobile");
  }

  private static boolean isMobile(String ua) {
    return ua.contains("mobile")
        || ua.contains("iphone")
        || ua.contains("ipod")
        || ua.contains("android")
        || ua.contains("windows phone")
        || ua.contains("blackberry")
        || ua.contains("bb10")
        || ua.contains("opera mini");
  }

  /** The lower-case name used in normalized headers and cache keys ({@code mobile}). */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
