package org.openvoip.p2pp.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;

/** The STUN codec against RFC 5769's test vectors, and its own round trips. */
class StunMessageTest {
  /** RFC 5769, section 2.1: a Binding request with ICE attributes, integrity and fingerprint. */
  static final byte[] SAMPLE_REQUEST = HexFormat.of().parseHex(
      "000100582112a442b7e7a701bc34d686fa87dfae"
          + "80220010" + "5354554e20746573742063" + "6c69656e74"
          + "002400046e0001ff"
          + "80290008932ff9b151263b36"
          + "00060009" + "6576746a3a68367659202020"
          + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
          + "80280004e57a3bcf");
  /** RFC 5769, section 2.2: the IPv4 success response, 192.0.2.1 port 32853. */
  static final byte[] SAMPLE_IPV4_RESPONSE = HexFormat.of().parseHex(
      "0101003c2112a442b7e7a701bc34d686fa87dfae"
          + "8022000b" + "7465737420766563746f7220"
          + "002000080001a147e112a643"
          + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
          + "80280004c07d4c96");
  static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

  @Test
  void theRfc5769RequestDecodesAndItsIntegrityAndFingerprintCheck() throws Exception {
    assertThat(SAMPLE_REQUEST).hasSize(108);
    assertThat(StunMessage.isStun(SAMPLE_REQUEST)).isTrue();
    StunMessage m = StunMessage.decode(SAMPLE_REQUEST);
    assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
    assertThat(m.transactionId().hex()).isEqualTo("b7e7a701bc34d686fa87dfae");
    assertThat(new String(m.attribute(StunMessage.SOFTWARE).value().toByteArray(),
        StandardCharsets.UTF_8)).isEqualTo("STUN test client");
    assertThat(new String(m.attribute(StunMessage.USERNAME).value().toByteArray(),
        StandardCharsets.UTF_8)).isEqualTo("evtj:h6vY");
    assertThat(m.attribute(StunMessage.PRIORITY).value().hex()).isEqualTo("6e0001ff");
    assertThat(StunMessage.integrityValid(SAMPLE_REQUEST, PASSWORD)).isTrue();
    assertThat(StunMessage.integrityValid(SAMPLE_REQUEST, "wrong".getBytes())).isFalse();
    assertThat(StunMessage.fingerprintValid(SAMPLE_REQUEST)).isTrue();
    byte[] altered = SAMPLE_REQUEST.clone();
    altered[30] ^= 1; // a letter of SOFTWARE
    assertThat(StunMessage.integrityValid(altered, PASSWORD)).isFalse();
    assertThat(StunMessage.fingerprintValid(altered)).isFalse();
  }

  @Test
  void theRfc5769Ipv4ResponseNamesTheMappedAddress() throws Exception {
    assertThat(SAMPLE_IPV4_RESPONSE).hasSize(80);
    StunMessage m = StunMessage.decode(SAMPLE_IPV4_RESPONSE);
    assertThat(m.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
    Endpoint mapped = StunMessage.fromXorAddress(
        m.attribute(StunMessage.XOR_MAPPED_ADDRESS).value(), m.transactionId());
    assertThat(mapped).isEqualTo(Endpoint.of("192.0.2.1", 32853));
    assertThat(StunMessage.xorAddress(mapped, m.transactionId()))
        .isEqualTo(m.attribute(StunMessage.XOR_MAPPED_ADDRESS).value());
    assertThat(StunMessage.integrityValid(SAMPLE_IPV4_RESPONSE, PASSWORD)).isTrue();
    assertThat(StunMessage.fingerprintValid(SAMPLE_IPV4_RESPONSE)).isTrue();
  }

  @Test
  void whatItEncodesItDecodesAndChecks() throws Exception {
    Bytes tx = Bytes.fromHex("0102030405060708090a0b0c");
    Endpoint v6 = new Endpoint(new org.openvoip.p2pp.wire.IpAddress(Bytes.fromHex(
        "20010db8123456780011223344556677")), 32853);
    byte[] key = "pass".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new StunMessage(StunMessage.BINDING_SUCCESS, tx, java.util.List.of())
        .with(StunMessage.SOFTWARE, StunMessage.text("OpenVoIP"))
        .with(StunMessage.XOR_MAPPED_ADDRESS, StunMessage.xorAddress(v6, tx))
        .withIntegrity(key).withFingerprint().encode();
    StunMessage back = StunMessage.decode(bytes);
    assertThat(StunMessage.fromXorAddress(back.attribute(StunMessage.XOR_MAPPED_ADDRESS)
        .value(), tx)).isEqualTo(v6);
    assertThat(StunMessage.integrityValid(bytes, key)).isTrue();
    assertThat(StunMessage.fingerprintValid(bytes)).isTrue();
    assertThat(back.encode()).isEqualTo(bytes);
  }

  @Test
  void brokenFramingIsRefusedWithAReason() {
    byte[] p2pp = HexFormat.of().parseHex("4400030a596abf0d000030390000002f");
    assertThat(StunMessage.isStun(p2pp)).isFalse();
    byte[] shortLength = SAMPLE_IPV4_RESPONSE.clone();
    shortLength[3] = 0x38;
    assertThatThrownBy(() -> StunMessage.decode(shortLength))
        .isInstanceOf(StunMessage.MalformedStunException.class).hasMessageContaining("length");
    byte[] overlong = SAMPLE_IPV4_RESPONSE.clone();
    overlong[23] = 0x7f; // SOFTWARE claims 127 bytes
    assertThatThrownBy(() -> StunMessage.decode(overlong))
        .isInstanceOf(StunMessage.MalformedStunException.class).hasMessageContaining("left");
  }
}
