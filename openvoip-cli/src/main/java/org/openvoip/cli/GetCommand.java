package org.openvoip.cli;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.Results;
import java.util.List;
import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import org.openvoip.server.OverlayKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "get",
    description = {
      "Look KEY up in a running overlay, through the peer at --via, and print its value (UTF-8).",
      "If several owners stored a value under KEY, each is printed on its own line."
    },
    footer = {"", "Exit status: 0 found, 1 not found or no answer, 2 usage error."})
final class GetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key, as given to put.")
  String key;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws InterruptedException {
    OverlayConfig oc = NetSupport.overlay(spec, client.overlay);
    InetSocketAddress via = client.via;
    try {
      NodeSecurity.Secured sec = ClientCall.security(client, oc);
      if (sec != null) {
        return secured(sec, via);
      }
      Results.ObjectLookup r = ClientCall.run(via, oc, c -> c.lookup(NetSupport.endpoint(via),
          NetSupport.resourceId(key), ResourceObject.CONTENT_USER_INFO, 0));
      if (!r.found()) {
        spec.commandLine().getOut().println("not found");
        return 1;
      }
      for (ResourceObject o : r.objects()) {
        spec.commandLine().getOut().println(
            new String(o.value().toByteArray(), StandardCharsets.UTF_8));
      }
      return 0;
    } catch (ClientCall.Failed e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
  }

  /**
   * In a secured overlay: the user-info record and the shared entries under KEY, each checked
   * here (certificate and signature) and printed with the user who signed it.
   */
  private int secured(NodeSecurity.Secured sec, InetSocketAddress via)
      throws ClientCall.Failed, InterruptedException {
    AccessControl access = sec.security().access();
    int shown = 0;
    for (Kind kind : List.of(OverlayKinds.USER_INFO, OverlayKinds.SHARED)) {
      Results.ObjectLookup r = ClientCall.run(via, sec.config(), sec, c -> c.lookup(
          NetSupport.endpoint(via), NetSupport.resourceId(key), kind.contentType(),
          kind.subType()));
      for (ResourceObject o : r.objects()) {
        AccessControl.Outcome ok = access.check(o, System.currentTimeMillis());
        if (!ok.ok()) {
          spec.commandLine().getErr().println("warning: a value that does not check out is"
              + " left out: " + ok.refusal());
          continue;
        }
        spec.commandLine().getOut().printf("%s\t(%s, signed by %s)%n",
            new String(o.value().toByteArray(), StandardCharsets.UTF_8), kind.name(),
            ok.signer().user());
        shown++;
      }
    }
    if (shown == 0) {
      spec.commandLine().getOut().println("not found");
      return 1;
    }
    return 0;
  }
}
