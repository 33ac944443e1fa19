package org.openvoip.p2pp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as carried in Address-Info: 4 or 16 octets, nothing resolved.
 *
 * <p>Unlike {@link InetAddress}, an IPv4-mapped IPv6 address stays IPv6, so the IP-ver field
 * round-trips exactly.
 */
public record IpAddress(Bytes octets) {
  public IpAddress {
    if (octets.length() != 4 && octets.length() != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 octets, not " + octets.length());
    }
  }

  public static IpAddress of(byte... octets) {
    return new IpAddress(Bytes.of(octets));
  }

  /** 4 or 6. */
  public int version() {
    return octets.length() == 4 ? 4 : 6;
  }

  /**
   * Parses a numeric IPv4 or IPv6 literal. Never looks up a name.
   *
   * @throws IllegalArgumentException if {@code text} is not an address literal
   */
  public static IpAddress parse(String text) {
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.indexOf(':') < 0) {
      return new IpAddress(Bytes.of(parseIpv4(text, s)));
    }
    // The JDK parses text of hex digits, ':' and '.' as an IPv6 literal; anything else could
    // make it look the name up in DNS, which the protocol engine must never do.
    if (!s.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    try {
      InetAddress a = InetAddress.getByName(s);
      byte[] raw = a.getAddress();
      if (a instanceof Inet4Address) { // the JDK turns ::ffff:a.b.c.d into IPv4; keep it IPv6
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        raw = mapped;
      }
      return new IpAddress(Bytes.of(raw));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: " + text);
    }
  }

  private static byte[] parseIpv4(String original, String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IP address: " + original);
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("not an IP address: " + original);
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException("not an IP address: " + original);
      }
      out[i] = (byte) v;
    }
    return out;
  }

  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(octets.toByteArray());
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // impossible: the length is 4 or 16
    }
  }

  @Override
  public String toString() {
    if (octets.length() == 4) {
      return (octets.get(0) & 0xff) + "." + (octets.get(1) & 0xff) + "." + (octets.get(2) & 0xff)
          + "." + (octets.get(3) & 0xff);
    }
    StringBuilder sb = new StringBuilder();
    // RFC 5952 text: the longest run (>1) of zero groups becomes "::".
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (group(i) == 0) {
        int j = i;
        while (j < 8 && group(j) == 0) {
          j++;
        }
        if (j - i > bestLen) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(group(i)));
    }
    return sb.toString();
  }

  private int group(int i) {
    return ((octets.get(2 * i) & 0xff) << 8) | (octets.get(2 * i + 1) & 0xff);
  }
}
