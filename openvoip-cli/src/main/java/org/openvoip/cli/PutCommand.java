package org.openvoip.cli;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import org.openvoip.server.OverlayKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "put",
    description = {
      "Store VALUE under KEY in a running overlay, through the peer at --via.",
      "KEY is hashed with SHA-1 to its resource ID; VALUE is stored as UTF-8. A later put of the",
      "same KEY from this command replaces the value (objects of the command-line client share",
      "one owner).",
      "In a secured overlay (--data-dir of an enrolled node, --self-signed, --secret-file) the",
      "value is signed: under your own user name it is your user-info record; under any other",
      "KEY it is your entry (keyed by your node-ID) in that key's shared dictionary."
    },
    footer = {"", "Exit status: 0 stored, 1 the overlay did not store it, 2 usage error."})
final class PutCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key, any text.")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The value, any text.")
  String value;

  @Mixin ClientOptions client;

  @Option(names = "--lifetime", defaultValue = "3600", paramLabel = "SECONDS",
      description = "How long the object lives (default: ${DEFAULT-VALUE}; peers may grant less).")
  long lifetime;

  /** The owner of every object the command-line client stores. */
  static final Bytes OWNER = NetSupport.resourceId("openvoip command-line client");

  @Override
  public Integer call() throws InterruptedException {
    if (lifetime < 1 || lifetime > 0xFFFF_FFFFL) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--lifetime must be 1.." + 0xFFFF_FFFFL + " seconds, not " + lifetime);
    }
    OverlayConfig oc = NetSupport.overlay(spec, client.overlay);
    InetSocketAddress via = client.via;
    Bytes bytes = Bytes.of(value.getBytes(StandardCharsets.UTF_8));
    try {
      NodeSecurity.Secured sec = ClientCall.security(client, oc);
      if (sec != null) {
        oc = sec.config();
      }
      Results.Published p;
      if (sec == null) {
        p = ClientCall.run(via, oc, c -> c.publish(NetSupport.endpoint(via),
            NetSupport.resourceId(key), ResourceObject.CONTENT_USER_INFO, 0, OWNER, bytes,
            lifetime));
      } else {
        boolean own = key.equals(sec.identity().user());
        Kind kind = own ? OverlayKinds.USER_INFO : OverlayKinds.SHARED;
        long now = System.currentTimeMillis();
        DataEntry entry = own ? DataEntry.single(now, true)
            : DataEntry.dictionary(now, true, sec.identity().nodeId());
        p = ClientCall.run(via, oc, sec, c -> c.store(NetSupport.endpoint(via),
            NetSupport.resourceId(key), kind.contentType(), kind.subType(), entry, bytes,
            lifetime, sec.identity()));
      }
      spec.commandLine().getOut().printf("stored %s for %d s at %s%n", key,
          p.lifetimeSeconds(), p.route().responder());
      return 0;
    } catch (ClientCall.Failed e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
  }
}
