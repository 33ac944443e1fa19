package org.openvoip.p2pp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.ResourceId;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

class SignedDataTest {
  static ResourceObject object(DataEntry e, long expires) {
    return new ResourceObject(0, 1, new ResourceId(Bytes.fromHex("0a0b")), Bytes.of((byte) 0x55),
        null, new Owner(Bytes.of("al".getBytes())), new Expires(expires), null, null, e);
  }

  @Test
  void theSignedBytesAreThoseTheProtocolDocumentLists() {
    byte[] b = SignedData.toBeSigned(object(DataEntry.dictionary(0x0102, true,
        Bytes.fromHex("aabb")), 60));
    // Resource-ID, types, Owner, Data-Entry (dictionary, exists, time, key), value.
    assertThat(HexFormat.of().formatHex(b)).isEqualTo("020a0b" + "0001" + "0002616c"
        + "0201" + "0000000000000102" + "0002aabb" + "000155");
    byte[] array = SignedData.toBeSigned(object(DataEntry.array(7, false, 3), 60));
    assertThat(HexFormat.of().formatHex(array)).contains("0100" + "0000000000000007"
        + "00000003");
  }

  @Test
  void expiresIsNotSignedButEveryOtherFieldIs() {
    ResourceObject a = object(DataEntry.single(5, true), 60);
    assertThat(SignedData.toBeSigned(object(DataEntry.single(5, true), 3600)))
        .isEqualTo(SignedData.toBeSigned(a));
    assertThat(SignedData.toBeSigned(object(DataEntry.single(6, true), 60)))
        .isNotEqualTo(SignedData.toBeSigned(a));
    assertThat(SignedData.toBeSigned(object(DataEntry.single(5, false), 60)))
        .isNotEqualTo(SignedData.toBeSigned(a));
    assertThatThrownBy(() -> SignedData.toBeSigned(object(null, 60)))
        .hasMessageContaining("needs a Data-Entry");
  }
}
