package org.openvoip.p2pp.stun;

import java.util.List;
import java.util.function.Consumer;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;

/**
 * NAT behaviour discovery in the manner of RFC 5780, with two STUN servers, which in an overlay
 * are two peers (a STUN server with two addresses, such as coturn's, serves as well):
 *
 * <ol>
 *   <li>A Binding request to the first server gives the mapped address, and the second server in
 *       OTHER-ADDRESS. A mapped address that is one of the node's own means no NAT.
 *   <li>Filtering: a Binding request to the first server with CHANGE-REQUEST (change IP and port)
 *       is answered from the second server, which this node has not yet sent anything to. If
 *       that answer gets in, anyone can reach the mapped address (endpoint-independent
 *       filtering); if it never arrives, only those the node has sent to can.
 *   <li>Mapping: a Binding request to a second server, best a third peer rather than the one
 *       that answered the filtering test (a NAT that dropped that peer's unsolicited packet may
 *       have kept state for it and map anew toward it; Linux masquerade does). The same mapped
 *       address as the first means an endpoint-independent mapping (a cone NAT); another one, a
 *       mapping that depends on the destination (a symmetric NAT), whose candidates another node
 *       cannot use. Measured only against the filtering test's peer, a changed mapping is
 *       reported unknown.
 * </ol>
 *
 * Runs on the node's thread through its {@link StunAgent}; no I/O of its own.
 */
public final class NatDiscovery {
  private NatDiscovery() {}

  /** How the NAT maps one local address to public ones (RFC 4787). */
  public enum Mapping {
    /** The mapped address is the node's own: no NAT. */
    NONE,
    /** One public address for every destination: a cone NAT; ICE works with it. */
    ENDPOINT_INDEPENDENT,
    /** Another public port for another destination port (the servers shared an IP). */
    ADDRESS_AND_PORT_DEPENDENT,
    /**
     * Another public address for another destination address; whether another port alone would
     * also get one is not told apart (no second port on the same server).
     */
    ADDRESS_DEPENDENT_OR_STRICTER,
    /** Not found out: no second server answered. */
    UNKNOWN
  }

  /** Whom the NAT lets in to a mapped address. */
  public enum Filtering {
    /** Anyone: what an unsolicited answer from the second server showed. */
    ENDPOINT_INDEPENDENT,
    /** Only addresses (or address and port pairs) the node has sent to. */
    ADDRESS_DEPENDENT_OR_STRICTER,
    /** Not found out: the first server cannot have its answer sent from elsewhere. */
    UNKNOWN
  }

  /**
   * What the discovery found.
   *
   * @param mapped the node's address as the first server saw it; null if it never answered
   * @param other the second server (OTHER-ADDRESS or the one given), or null
   * @param note why something stayed unknown, or ""
   */
  public record Result(Endpoint server, Endpoint mapped, Endpoint other, Mapping mapping,
      Filtering filtering, String note) {
    /** Whether the first server answered at all. */
    public boolean answered() {
      return mapped != null;
    }

    /**
     * Whether a node that has never heard of this one can reach it at its mapped address: the
     * test of whether it may be a peer rather than a client.
     */
    public boolean reachable() {
      return answered() && (mapping == Mapping.NONE || mapping == Mapping.ENDPOINT_INDEPENDENT)
          && filtering == Filtering.ENDPOINT_INDEPENDENT;
    }

    /** The classic name of what was found: "open internet", "full cone", "symmetric" ... */
    public String natType() {
      if (!answered()) {
        return "UDP blocked (no answer)";
      }
      return switch (mapping) {
        case NONE -> filtering == Filtering.ENDPOINT_INDEPENDENT ? "open internet"
            : filtering == Filtering.UNKNOWN ? "no NAT (filtering unknown)"
            : "no NAT, behind a filtering firewall";
        case ENDPOINT_INDEPENDENT -> filtering == Filtering.ENDPOINT_INDEPENDENT ? "full cone"
            : filtering == Filtering.UNKNOWN ? "cone (filtering unknown)"
            : "restricted cone (address- or port-restricted)";
        case ADDRESS_AND_PORT_DEPENDENT, ADDRESS_DEPENDENT_OR_STRICTER -> "symmetric";
        case UNKNOWN -> "NAT of unknown mapping";
      };
    }
  }

  /**
   * Runs the three tests.
   *
   * @param locals the node's own addresses (a mapped address among them means no NAT)
   * @param first the first server
   * @param second the second server, or null to take the first's OTHER-ADDRESS
   * @param done gets the result on the node's thread; it is always called, once (what went
   *     wrong is in the result)
   */
  public static void run(StunAgent agent, List<Endpoint> locals, Endpoint first,
      Endpoint second, StunAgent.Retransmit retransmit, Consumer<Result> done) {
    run(agent, locals, first, second == null ? List.of() : List.of(second), retransmit, done);
  }

  /**
   * Runs the three tests, the mapping test against the first of {@code seconds} that is
   * neither the first server nor its OTHER-ADDRESS (the peer that answered the filtering test,
   * which a NAT may have seen send an unsolicited packet to this mapping), else against the
   * OTHER-ADDRESS.
   */
  public static void run(StunAgent agent, List<Endpoint> locals, Endpoint first,
      List<Endpoint> seconds, StunAgent.Retransmit retransmit, Consumer<Result> done) {
    new Run(agent, locals, first, seconds, retransmit, done).start();
  }

  /** One discovery's steps, each started by the previous one's answer. */
  private static final class Run {
    final StunAgent agent;
    final List<Endpoint> locals;
    final Endpoint first;
    final List<Endpoint> seconds;
    final StunAgent.Retransmit retransmit;
    final Consumer<Result> done;
    Endpoint mapped;
    Endpoint other;
    Filtering filtering = Filtering.UNKNOWN;
    String note = "";

    Run(StunAgent agent, List<Endpoint> locals, Endpoint first, List<Endpoint> seconds,
        StunAgent.Retransmit retransmit, Consumer<Result> done) {
      this.agent = agent;
      this.locals = locals;
      this.first = first;
      this.seconds = List.copyOf(seconds);
      this.retransmit = retransmit;
      this.done = done;
    }

    void start() {
      binding(first, false, new StunAgent.Callback() {
        @Override
        public void onResponse(StunAgent.Response r) {
          try {
            mapped = r.mapped();
            other = r.otherAddress();
          } catch (StunMessage.MalformedStunException e) {
            mapped = null;
            finish(null, Mapping.UNKNOWN, "the first server's answer: " + e.getMessage());
            return;
          }
          filteringTest();
        }

        @Override
        public void onFailure(StunAgent.StunFailure f) {
          finish(null, Mapping.UNKNOWN, f.getMessage());
        }
      });
    }

    /** Before anything goes to the second server, so that its answer comes unsolicited. */
    void filteringTest() {
      if (other == null) {
        note = "the first server names no OTHER-ADDRESS, so cannot answer from elsewhere";
        mappingTest();
        return;
      }
      binding(first, true, new StunAgent.Callback() {
        @Override
        public void onResponse(StunAgent.Response r) {
          if (r.from().equals(first)) {
            note = "the first server answered CHANGE-REQUEST from its own address";
          } else {
            filtering = Filtering.ENDPOINT_INDEPENDENT;
          }
          mappingTest();
        }

        @Override
        public void onFailure(StunAgent.StunFailure f) {
          if (f.timedOut()) {
            filtering = Filtering.ADDRESS_DEPENDENT_OR_STRICTER;
          } else {
            note = "CHANGE-REQUEST: " + f.getMessage();
          }
          mappingTest();
        }
      });
    }

    /** The mapping test's server: a given one that did not answer the filtering test. */
    private Endpoint mappingServer() {
      for (Endpoint e : seconds) {
        if (!e.equals(first) && !e.equals(other)) {
          return e;
        }
      }
      return other != null ? other : seconds.isEmpty() ? null : seconds.get(0);
    }

    void mappingTest() {
      Endpoint partner = mappingServer();
      boolean noNat = locals.contains(mapped);
      if (partner == null) {
        finish(null, noNat ? Mapping.NONE : Mapping.UNKNOWN,
            "no second server to compare mappings with");
        return;
      }
      binding(partner, false, new StunAgent.Callback() {
        @Override
        public void onResponse(StunAgent.Response r) {
          Endpoint mapped2;
          try {
            mapped2 = r.mapped();
          } catch (StunMessage.MalformedStunException e) {
            finish(partner, noNat ? Mapping.NONE : Mapping.UNKNOWN,
                "the second server's answer: " + e.getMessage());
            return;
          }
          if (!mapped2.equals(mapped) && partner.equals(other)
              && filtering == Filtering.ADDRESS_DEPENDENT_OR_STRICTER && !noNat) {
            // The NAT dropped this server's unsolicited answer a moment ago and may have kept
            // state for it, then chosen a new port toward the same server (Linux masquerade
            // does): a different mapping here does not prove a symmetric NAT.
            finish(partner, Mapping.UNKNOWN, "the mapping toward the peer whose unsolicited"
                + " answer was just filtered differs, which a cone NAT may also do; ask a third"
                + " server to tell");
            return;
          }
          finish(partner, noNat && locals.contains(mapped2) ? Mapping.NONE
              : mapped2.equals(mapped) ? Mapping.ENDPOINT_INDEPENDENT
              : partner.address().equals(first.address()) ? Mapping.ADDRESS_AND_PORT_DEPENDENT
              : Mapping.ADDRESS_DEPENDENT_OR_STRICTER, "");
        }

        @Override
        public void onFailure(StunAgent.StunFailure f) {
          finish(partner, noNat ? Mapping.NONE : Mapping.UNKNOWN,
              "the second server: " + f.getMessage());
        }
      });
    }

    void finish(Endpoint partner, Mapping mapping, String more) {
      String n = note.isEmpty() ? more : more.isEmpty() ? note : note + "; " + more;
      done.accept(new Result(first, mapped, partner != null ? partner : other != null ? other
          : seconds.isEmpty() ? null : seconds.get(0), mapping,
          mapped == null ? Filtering.UNKNOWN : filtering, n));
    }

    void binding(Endpoint to, boolean change, StunAgent.Callback callback) {
      StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, agent.newTransactionId(),
          List.of());
      if (change) {
        m = m.with(StunMessage.CHANGE_REQUEST, Bytes.of((byte) 0, (byte) 0, (byte) 0,
            (byte) (StunMessage.CHANGE_IP | StunMessage.CHANGE_PORT)));
      }
      agent.send(to, m, null, retransmit, callback);
    }
  }
}
