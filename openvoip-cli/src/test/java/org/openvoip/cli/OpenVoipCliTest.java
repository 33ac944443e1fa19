package org.openvoip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.text.MessageText;
import picocli.CommandLine;

class OpenVoipCliTest {

  /** The README's example decodes the hand-written Join vector: the README cannot drift. */
  @Test
  void theReadmeDecodeExampleWorks() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\./openvoip wire decode ([0-9a-f]{40,})").matcher(readme);
    assertThat(m.find()).as("README shows ./openvoip wire decode <hex>").isTrue();
    Result r = run("wire", "decode", m.group(1));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Join request").contains("192.0.2.10");
    assertThat(HexFormat.of().parseHex(m.group(1)))
        .isEqualTo(WireEncoder.encode(Examples.joinRequest()));
  }


  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = OpenVoipCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static Result runWithStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)));
    try {
      return run(args);
    } finally {
      System.setIn(saved);
    }
  }

  static Message example() {
    return Examples.all().get(0).message();
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Test
  void helpListsTheCommands() {
    Result r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: openvoip", "wire", "demo", "bootstrap", "node", "put",
        "get");
  }

  @Test
  void versionIsTheProjectVersion() {
    Result r = run("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out().strip()).matches("openvoip \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void usageErrorsExitWith2() {
    assertThat(run().exit()).isEqualTo(2);
    assertThat(run("wire").exit()).isEqualTo(2);
    assertThat(run("wire", "decode").exit()).isEqualTo(2);
    assertThat(run("wire", "decode", "--id-length", "four", "00").exit()).isEqualTo(2);
    Result r = run("nosuchcommand");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nosuchcommand");
  }

  @Test
  void decodesHexToText() {
    Message m = example();
    Result r = run("wire", "decode", hex(WireEncoder.encode(m)));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo(MessageText.format(m).strip());
  }

  @Test
  void acceptsPrefixWhitespaceAndColonsInHex() {
    String plain = hex(WireEncoder.encode(example()));
    String head = "0x" + plain.substring(0, 8);
    String tail = plain.substring(8, 10) + ":" + plain.substring(10);
    Result expected = run("wire", "decode", plain);
    assertThat(expected.exit()).isZero();
    assertThat(run("wire", "decode", head + " \n" + tail)).isEqualTo(expected);
    assertThat(run("wire", "decode", head, tail)).isEqualTo(expected);
  }

  @Test
  void decodesHexFromStdinAndRawBytesFromFile() throws Exception {
    byte[] bytes = WireEncoder.encode(example());
    String expected = run("wire", "decode", hex(bytes)).out();
    assertThat(runWithStdin(hex(bytes) + "\n", "wire", "decode", "-").out()).isEqualTo(expected);
    Path file = Files.write(dir.resolve("message.bin"), bytes);
    assertThat(run("wire", "decode", "--file", file.toString()).out()).isEqualTo(expected);
  }

  @Test
  void garbageIsADecodeError() {
    Result r = run("wire", "decode", "de ad be ef 00 11 22 33 44 55 66 77 88 99 aa bb cc dd");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: ");
  }

  @Test
  void answerableDecodeErrorsNameTheResponseCode() {
    byte[] sound = WireEncoder.encode(example());
    byte[] bytes = java.util.Arrays.copyOf(sound, sound.length + 1); // one byte too many
    Result r = run("wire", "decode", "--id-length", "20", hex(bytes));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: ").contains("(peer would answer 400)");

    // A version-2 message cannot be parsed far enough to answer: the error says so by omission.
    sound[0] = (byte) ((sound[0] & 0x3f) | 0x80);
    r = run("wire", "decode", hex(sound));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: version 2").doesNotContain("peer would answer");
  }

  @Test
  void invalidHexIsAUsageError() {
    Result r = run("wire", "decode", "0x12g4");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'g' is not a hex digit");
  }

  @Test
  void jsonHasTheHeaderFields() throws Exception {
    Result r = run("wire", "decode", "--json", hex(WireEncoder.encode(example())));
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    for (String key :
        new String[] {
          "version", "type", "kind", "flags", "responseCode", "ttl", "transactionId", "sourceId",
          "responseId"
        }) {
      assertThat(json.has(key)).as(key).isTrue();
    }
  }

  @Test
  void encodeOfDecodeJsonGivesTheSameBytes() throws Exception {
    for (Examples.Example example : Examples.all()) {
      String original = hex(WireEncoder.encode(example.message()));
      Result decoded = run("wire", "decode", "--json", original);
      assertThat(decoded.exit()).as(example.name() + ": " + decoded.err()).isZero();
      Path json = Files.writeString(dir.resolve(example.name() + ".json"), decoded.out());

      Result encoded = run("wire", "encode", "--json-file", json.toString());
      assertThat(encoded.exit()).as(example.name() + ": " + encoded.err()).isZero();
      assertThat(encoded.out().strip()).as(example.name()).isEqualTo(original);

      assertThat(runWithStdin(decoded.out(), "wire", "encode").out().strip()).isEqualTo(original);
    }
  }

  @Test
  void encodeWritesRawBytes() throws Exception {
    byte[] bytes = WireEncoder.encode(example());
    String json = run("wire", "decode", "--json", hex(bytes)).out();
    Path out = dir.resolve("message.bin");
    Result r = runWithStdin(json, "wire", "encode", "-", "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(bytes);
  }

  @Test
  void encodeRejectsBadJson() {
    Result notJson = runWithStdin("{ nope", "wire", "encode");
    assertThat(notJson.exit()).isEqualTo(1);
    assertThat(notJson.err()).startsWith("error: not valid JSON");
    Result notAMessage = runWithStdin("{}", "wire", "encode");
    assertThat(notAMessage.exit()).isEqualTo(1);
    assertThat(notAMessage.err()).startsWith("error: ");
  }

  @Test
  void noValidateEncodesMessagesThatBreakTheObjectRules() throws Exception {
    String json = run("wire", "decode", "--json", hex(WireEncoder.encode(example()))).out();
    ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(json);
    tree.putArray("objects");
    Path file = Files.writeString(dir.resolve("bare.json"), tree.toString());

    Result checked = run("wire", "encode", "--json-file", file.toString());
    assertThat(checked.exit()).isEqualTo(1);
    assertThat(checked.err()).startsWith("error: ").contains("--no-validate");

    Result unchecked = run("wire", "encode", "--no-validate", "--json-file", file.toString());
    assertThat(unchecked.exit()).as(unchecked.err()).isZero();
    Result decoded = run("wire", "decode", unchecked.out().strip());
    assertThat(decoded.exit()).isEqualTo(1);
    assertThat(decoded.err()).contains("(peer would answer 400)");
  }
}
