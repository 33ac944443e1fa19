package org.openvoip.p2pp.ice;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.stun.StunMessage;

/**
 * The ICE sessions of one node, by local ufrag: where its {@link StunAgent} sends connectivity
 * checks (Binding requests with USERNAME "local-ufrag:remote-ufrag"). A check for no session is
 * counted and refused with 401, without integrity, as RFC 8445 does for unknown credentials.
 */
public final class IceSessions implements StunAgent.CheckResponder {
  private final Map<String, IceAgent> byUfrag = new HashMap<>();
  private final Counters counters;

  public IceSessions(Counters counters) {
    this.counters = counters;
  }

  public void add(IceAgent agent) {
    byUfrag.put(agent.localCredentials().ufrag(), agent);
  }

  /** Forgets the session (closing it is the caller's). */
  public void remove(IceAgent agent) {
    byUfrag.remove(agent.localCredentials().ufrag(), agent);
  }

  public int size() {
    return byUfrag.size();
  }

  @Override
  public byte[] onCheck(StunMessage request, byte[] bytes, Endpoint from) {
    String user = new String(request.attribute(StunMessage.USERNAME).value().toByteArray(),
        StandardCharsets.UTF_8);
    int colon = user.indexOf(':');
    IceAgent a = colon < 0 ? null : byUfrag.get(user.substring(0, colon));
    if (a == null) {
      counters.increment("drop.ice.unknown-ufrag");
      return request.errorReply(401, "Unauthorized").withFingerprint().encode();
    }
    return a.onCheck(request, bytes, from);
  }
}
