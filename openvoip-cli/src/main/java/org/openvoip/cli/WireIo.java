package org.openvoip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import org.openvoip.p2pp.wire.Bytes;

/** Input and output helpers of the wire commands: raw bytes, lenient hex text, JSON. */
final class WireIo {

  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectWriter PRETTY_JSON = JSON.writerWithDefaultPrettyPrinter();
  private static final HexFormat HEX = HexFormat.of();

  private WireIo() {}

  /** Raw bytes from a file, or from stdin when the name is "-". */
  static byte[] read(String file) {
    try {
      if ("-".equals(file)) {
        return readAll(System.in);
      }
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + reason(e), e);
    }
  }

  static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read stdin: " + reason(e), e);
    }
  }

  /**
   * Parses hex text as {@link Bytes#parseHex} does (whitespace, colons and a leading 0x allowed).
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  static byte[] parseHex(String text) {
    byte[] bytes = Bytes.parseHex(text);
    if (bytes.length == 0) {
      throw new IllegalArgumentException("no hex digits");
    }
    return bytes;
  }

  /** A short reason for an I/O failure: "no such file", "permission denied", ... */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  static String toHex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}
