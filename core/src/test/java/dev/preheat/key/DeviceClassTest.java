package dev.preheat.key;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceClassTest {

  @ParameterizedTest(name = "{0} [{2}] -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "Chrome desktop|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36|NULL|DESKTOP",
        "Chrome desktop with hint|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36|?0|DESKTOP",
        "Firefox desktop|Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0|NULL|DESKTOP",
        "Firefox Linux|Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0|NULL|DESKTOP",
        "Safari macOS|Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15|NULL|DESKTOP",
        "Safari iPhone|Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1|NULL|MOBILE",
        "Safari iPad|Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1|NULL|TABLET",
        "Chrome Android phone|Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36|NULL|MOBILE",
        "Chrome Android phone with hint|Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36|?1|MOBILE",
        "Chrome Android tablet|Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36|NULL|TABLET",
        "Chrome Android tablet with hint|Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36|?0|TABLET",
        "Firefox Android phone|Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0|NULL|MOBILE",
        "Firefox Android tablet|Mozilla/5.0 (Android 14; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0|NULL|TABLET",
        "Kindle Silk|Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/119.3.1 like Chrome/119.0.6045.193 Safari/537.36|NULL|TABLET",
        "Googlebot smartphone|Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)|NULL|MOBILE",
        "Windows Tablet PC flag|Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; Tablet PC 2.0)|NULL|DESKTOP",
        "hint wins over desktop UA|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36|?1|MOBILE",
        "hint ?0 wins over phone UA|Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36|?0|DESKTOP",
        "unknown hint ignored|Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Mobile/15E148|maybe|MOBILE",
        "no user agent|NULL|NULL|DESKTOP",
        "curl|curl/8.4.0|NULL|DESKTOP",
      })
  void classifiesRealBrowsers(String label, String userAgent, String hint, DeviceClass expected) {
    assertThat(DeviceClass.detect(userAgent, hint)).isEqualTo(expected);
  }
}
