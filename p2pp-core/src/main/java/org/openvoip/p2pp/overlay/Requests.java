package org.openvoip.p2pp.overlay;

import java.util.List;
import java.util.function.Consumer;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.NeighborTable;
import org.openvoip.p2pp.wire.WireObject.RequestOptions;

/** The maintenance requests every overlay sends, built one way. */
public final class Requests {
  /** Asks for the peer's Neighbor-Table (the N flag). */
  private static final RequestOptions ASK_NEIGHBOR_TABLE =
      new RequestOptions(false, false, true, false, false, false, false);

  private Requests() {}

  /**
   * A KeepAlive to {@code to}, announcing this node's KeepAlive period. If it goes unanswered
   * the engine reports the peer failed before {@code reply} hears of it.
   */
  public static void keepAlive(OverlayContext ctx, PeerRef to, OverlayContext.Reply reply) {
    ctx.request(to, Method.KEEP_ALIVE,
        List.of(new Expires(Math.max(1, ctx.config().keepAliveMillis() / 1000))), reply);
  }

  /**
   * An ExchangeTable with {@code to} that pushes this node's Neighbor-Table (the engine's own
   * object, whose bytes are encoded once per table change) and asks for {@code to}'s:
   * {@code theirs} gets its peers when it answers with one, {@code failed} runs if it does not
   * answer (the engine has reported it failed by then).
   */
  public static void exchangeNeighborTables(OverlayContext ctx, PeerRef to,
      Consumer<List<PeerRef>> theirs, Runnable failed) {
    List<WireObject> objs = List.of(ASK_NEIGHBOR_TABLE, ctx.neighborTableObject());
    ctx.request(to, Method.EXCHANGE_TABLE, objs, new OverlayContext.Reply() {
      @Override
      public void onResponse(Message response) {
        if (response.header().responseCode() != ResponseCode.OK) {
          return;
        }
        NeighborTable nt = response.first(NeighborTable.class);
        if (nt != null) {
          theirs.accept(PeerRef.fromAll(nt));
        }
      }

      @Override
      public void onFailure(int code, String reason) {
        failed.run();
      }
    });
  }
}
