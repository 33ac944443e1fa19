package org.openvoip.p2pp.security;

import org.openvoip.p2pp.wire.ResponseCode;

/**
 * Why a peer refuses a request on security grounds: the response code it answers with and the
 * Error object's sub-code (docs/protocol.md lists them). Each refusal is counted under
 * {@link #counter()}, and nothing of the refused request is stored.
 */
public enum Refusal {
  /** The overlay defines no kind with this Cont-Type and Sub-Type. */
  UNKNOWN_KIND(ResponseCode.FORBIDDEN, 16),
  /** The Data-Entry's model is not the kind's (a dictionary entry for an array kind ...). */
  WRONG_MODEL(ResponseCode.BAD_REQUEST, 17),
  /** No Data-Entry, Signature or Certificate where the overlay needs them. */
  NOT_SIGNED(ResponseCode.FORBIDDEN, 18),
  /** A certificate that does not parse, has expired, is not valid yet, or comes from an unknown CA. */
  BAD_CERTIFICATE(ResponseCode.FORBIDDEN, 19),
  /** A certificate the enrollment server has revoked. */
  REVOKED_CERTIFICATE(ResponseCode.FORBIDDEN, 20),
  /** A signature that does not verify under the certificate's key: forged or altered. */
  BAD_SIGNATURE(ResponseCode.FORBIDDEN, 21),
  /** The signer may not write here: the Owner, the Resource-ID or the key is not the signer's. */
  NOT_OWNER(ResponseCode.FORBIDDEN, 22),
  /** The value is larger than the kind allows. */
  TOO_LARGE(ResponseCode.MESSAGE_TOO_LARGE, 23),
  /** The stored value is newer (a larger storage time): a replay or an out-of-date writer. */
  STALE(ResponseCode.CONFLICT, 24),
  /** The writer's identity has used up its storage quota on this peer. */
  QUOTA(ResponseCode.REQUEST_REJECTED, 25),
  /**
   * The sending peer has sent more requests than its rate allows. Not 503, which tells the
   * sender that this peer has left the overlay (it would drop the peer from its tables).
   */
  RATE_LIMITED(ResponseCode.REQUEST_REJECTED, 26),
  /** A Source-ID that the sender's certificate does not bind. */
  SPOOFED_ID(ResponseCode.FORBIDDEN, 27);

  private final int responseCode;
  private final int subCode;

  Refusal(int responseCode, int subCode) {
    this.responseCode = responseCode;
    this.subCode = subCode;
  }

  public int responseCode() {
    return responseCode;
  }

  /** The Error object's sub-code. */
  public int subCode() {
    return subCode;
  }

  /** The counter a peer increments for each refusal of this kind. */
  public String counter() {
    return "security.refused." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** A refusal with its reason for people. */
  public record Reason(Refusal refusal, String text) {
    @Override
    public String toString() {
      return refusal + ": " + text;
    }
  }

  public Reason because(String text) {
    return new Reason(this, text);
  }
}
