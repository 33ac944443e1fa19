package org.openvoip.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.text.MessageText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description = {
      "Show example P2PP messages on the wire (the overlay demo comes with the node engine).",
      "Encodes each example, prints its hex and decoded form, and checks that it decodes",
      "and re-encodes to the same bytes."
    })
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("The overlay demo comes with the node engine;"
        + " until then, the P2PP wire format by example.");
    List<Examples.Example> examples = Examples.all();
    int same = 0;
    for (Examples.Example example : examples) {
      out.println();
      out.println("== " + example.name() + ": " + example.description());
      byte[] bytes = WireEncoder.encode(example.message());
      out.println("hex (" + bytes.length + " bytes): " + WireIo.toHex(bytes));
      try {
        Message decoded = new WireDecoder(WireDecoder.inferIdLength(bytes)).decode(bytes);
        out.println(MessageText.format(decoded).stripTrailing());
        byte[] again = WireEncoder.encode(decoded);
        if (Arrays.equals(bytes, again)) {
          same++;
        } else {
          out.println("round trip FAILED: re-encoded as " + WireIo.toHex(again));
        }
      } catch (MalformedMessageException e) {
        out.println("round trip FAILED: " + WireDecodeCommand.describe(e));
      }
    }
    out.println();
    out.printf(
        "round trip: %d of %d example messages decoded and re-encoded to the same bytes%n",
        same, examples.size());
    return same == examples.size() ? 0 : 1;
  }
}
