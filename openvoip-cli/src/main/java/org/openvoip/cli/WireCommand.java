package org.openvoip.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "wire",
    description = "Decode and encode P2PP messages (the wire format).",
    subcommands = {WireDecodeCommand.class, WireEncodeCommand.class})
final class WireCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
