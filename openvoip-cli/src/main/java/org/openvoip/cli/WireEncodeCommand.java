package org.openvoip.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.json.MessageJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "encode",
    description = {
      "Encode one P2PP message given as JSON, in the shape 'wire decode --json' prints.",
      "Prints the message as hex, or writes the raw bytes with --out."
    },
    footer = {
      "",
      "Exit status: 0 encoded, 1 the JSON is not a valid message, 2 usage error."
    })
final class WireEncodeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "-",
      arity = "0..1",
      description = "Read the JSON from stdin (the default).")
  String stdin;

  @Option(
      names = "--json-file",
      paramLabel = "F",
      description = "Read the JSON from F ('-' for stdin).")
  String jsonFile;

  @Option(
      names = "--out",
      paramLabel = "F",
      description = "Write the raw bytes to F ('-' for stdout) instead of printing hex.")
  String out;

  @Option(
      names = "--no-validate",
      description = "Skip the per-message object rules, to craft messages a peer should reject.")
  boolean noValidate;

  @Override
  public Integer call() {
    if (stdin != null && !"-".equals(stdin)) {
      throw new ParameterException(
          spec.commandLine(),
          "Unexpected argument '" + stdin + "': the JSON comes from stdin ('-') or --json-file F");
    }
    if (stdin != null && jsonFile != null) {
      throw new ParameterException(spec.commandLine(), "Give either '-' or --json-file, not both");
    }
    Message message;
    try {
      JsonNode tree = WireIo.JSON.readTree(WireIo.read(jsonFile != null ? jsonFile : "-"));
      if (tree.isMissingNode()) {
        return fail("no JSON input");
      }
      message = MessageJson.fromJson(tree);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      return fail(e.getMessage());
    } catch (IOException e) {
      return fail(
          "not valid JSON: "
              + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
    }
    byte[] bytes;
    try {
      bytes = noValidate ? WireEncoder.encodeUnchecked(message) : WireEncoder.encode(message);
    } catch (IllegalArgumentException e) {
      return fail(e.getMessage() + (noValidate ? "" : " (--no-validate encodes it anyway)"));
    }
    return write(bytes);
  }

  private int write(byte[] bytes) {
    if (out == null) {
      spec.commandLine().getOut().println(WireIo.toHex(bytes));
      return 0;
    }
    try {
      if ("-".equals(out)) {
        System.out.write(bytes);
        System.out.flush();
      } else {
        Files.write(Path.of(out), bytes);
      }
      return 0;
    } catch (IOException e) {
      return fail("cannot write " + out + ": " + WireIo.reason(e));
    }
  }

  private int fail(String message) {
    spec.commandLine().getErr().println("error: " + message);
    return 1;
  }
}
