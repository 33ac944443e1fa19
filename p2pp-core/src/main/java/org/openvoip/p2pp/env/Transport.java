package org.openvoip.p2pp.env;

/** How bytes travel to the next hop. */
public enum Transport {
  UDP(false),
  TCP(true),
  DTLS(false),
  TLS(true);

  private final boolean reliable;

  Transport(boolean reliable) {
    this.reliable = reliable;
  }

  /** Reliable transports need no ACKs and no retransmission. */
  public boolean reliable() {
    return reliable;
  }

  /** Not secured: UDP and TCP; DTLS and TLS are authenticated and encrypted links. */
  public boolean plain() {
    return this == UDP || this == TCP;
  }

  /** The reliable transport to use for a message too large for this one (UDP to TCP, DTLS to TLS). */
  public Transport streamCounterpart() {
    return switch (this) {
      case UDP, TCP -> TCP;
      case DTLS, TLS -> TLS;
    };
  }
}
