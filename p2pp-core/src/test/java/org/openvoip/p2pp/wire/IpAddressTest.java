package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpAddressTest {
  @Test
  void parsesAndPrintsBothVersions() {
    assertThat(IpAddress.parse("192.0.2.10")).hasToString("192.0.2.10");
    assertThat(IpAddress.parse("2001:db8::1")).hasToString("2001:db8::1");
    assertThat(IpAddress.parse("[::1]")).hasToString("::1");
    assertThat(IpAddress.parse("2001:db8:0:0:1:0:0:1")).hasToString("2001:db8::1:0:0:1");
  }

  @Test
  void anIpv4MappedAddressStaysIpv6() {
    IpAddress mapped = IpAddress.parse("::ffff:192.0.2.1");
    assertThat(mapped.version()).isEqualTo(6);
    assertThat(IpAddress.parse(mapped.toString())).isEqualTo(mapped);
  }

  @Test
  void namesAreRefusedWithoutALookup() {
    for (String bad : new String[] {"localhost", "example.org", "zz:1", "1.2.3", "256.1.1.1",
        "1.2.3.4.5", "fe80::1%eth0", ":::"}) {
      assertThatThrownBy(() -> IpAddress.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an");
    }
  }
}
