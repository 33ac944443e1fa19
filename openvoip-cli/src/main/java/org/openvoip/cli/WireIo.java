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
   * Parses hex digits; whitespace and colons are ignored, and one leading "0x" is allowed.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  static byte[] parseHex(String text) {
    String digits = text.replaceAll("[\\s:]", "");
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      digits = digits.substring(2);
    }
    if (digits.isEmpty()) {
      throw new IllegalArgumentException("no hex digits");
    }
    int bad = firstNonHex(digits);
    if (bad >= 0) {
      throw new IllegalArgumentException("'" + digits.charAt(bad) + "' is not a hex digit");
    }
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits (" + digits.length() + ")");
    }
    return HEX.parseHex(digits);
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

  private static int firstNonHex(String digits) {
    for (int i = 0; i < digits.length(); i++) {
      if (!HexFormat.isHexDigit(digits.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
