package org.openvoip.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.json.MessageJson;
import org.openvoip.p2pp.wire.text.MessageText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "decode",
    description = {
      "Decode one P2PP message and print it as indented text, or as JSON with --json.",
      "The message is given as HEX, as '-' (hex text on stdin) or with --file (raw bytes)."
    },
    footer = {
      "",
      "Exit status: 0 decoded, 1 the bytes are not a valid message, 2 usage error."
    })
final class WireDecodeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "HEX",
      arity = "0..*",
      description =
          "The message in hex; whitespace, colons and a 0x prefix are allowed."
              + " '-' reads hex text from stdin.")
  List<String> hex = List.of();

  @Option(
      names = "--file",
      paramLabel = "F",
      description = "Read the raw message bytes from F ('-' for stdin).")
  String file;

  @Option(names = "--json", description = "Print the message as JSON (the input of 'wire encode').")
  boolean json;

  @Option(
      names = "--id-length",
      paramLabel = "N",
      description =
          "Peer-ID length in bytes. Default: inferred from the Message Length field and the"
              + " byte count (" + WireDecoder.DEFAULT_ID_LENGTH + " if they imply none).")
  Integer idLength;

  @Override
  public Integer call() throws JsonProcessingException {
    byte[] bytes;
    try {
      bytes = input();
    } catch (UncheckedIOException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
    int inferred = WireDecoder.inferIdLength(bytes);
    int length = idLength != null ? idLength
        : inferred > 0 ? inferred : WireDecoder.DEFAULT_ID_LENGTH;
    WireDecoder decoder;
    try {
      decoder = new WireDecoder(length);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for --id-length: " + e.getMessage());
    }
    Message message;
    try {
      message = decoder.decode(bytes);
    } catch (MalformedMessageException e) {
      spec.commandLine().getErr().println(describe(e));
      if (idLength == null && e.responseCode() != 0) {
        spec.commandLine().getErr().println("note: decoded with ID length " + length
            + (inferred > 0 ? ", inferred from the byte count" : " (the default)")
            + "; --id-length N sets it");
      }
      return 1;
    }
    String shown =
        json
            ? WireIo.PRETTY_JSON.writeValueAsString(MessageJson.toJson(message))
            : MessageText.format(message);
    spec.commandLine().getOut().println(shown.stripTrailing());
    return 0;
  }

  /** "error: message (peer would answer code)"; no parenthesis when the peer stays silent. */
  static String describe(MalformedMessageException e) {
    return e.responseCode() == 0
        ? "error: " + e.getMessage()
        : "error: " + e.getMessage() + " (peer would answer " + e.responseCode() + ")";
  }

  private byte[] input() {
    if (file != null) {
      if (!hex.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "Give either HEX or --file, not both");
      }
      return WireIo.read(file);
    }
    if (hex.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "Missing the message: give HEX, '-' or --file F");
    }
    String text;
    if (hex.contains("-")) {
      if (hex.size() > 1) {
        throw new ParameterException(
            spec.commandLine(), "'-' (hex on stdin) cannot be combined with HEX");
      }
      text = new String(WireIo.readAll(System.in), StandardCharsets.US_ASCII);
    } else {
      text = String.join(" ", hex);
    }
    try {
      return WireIo.parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid hex: " + e.getMessage());
    }
  }
}
