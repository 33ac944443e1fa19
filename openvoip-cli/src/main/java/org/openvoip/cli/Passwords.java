package org.openvoip.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Passwords come from a file or from the terminal, never from the command line (where other
 * users of the machine and the shell's history would see them).
 */
final class Passwords {
  private Passwords() {}

  /** No way to get a password: say how to give one. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  /**
   * The password in {@code file}'s first line, or asked on the terminal (twice when {@code
   * confirm}).
   */
  static char[] read(CommandSpec spec, Path file, boolean confirm) throws Unavailable {
    if (file != null) {
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line = r.readLine();
        if (line == null || line.isEmpty()) {
          throw new Unavailable(file + " holds no password on its first line");
        }
        return line.toCharArray();
      } catch (IOException e) {
        throw new Unavailable("cannot read the password file: " + WireIo.reason(e));
      }
    }
    Console console = System.console();
    if (console == null) {
      throw new Unavailable("no terminal to ask for the password on: give --password-file");
    }
    char[] first = console.readPassword("password: ");
    if (first == null || first.length == 0) {
      throw new Unavailable("no password given");
    }
    if (confirm) {
      char[] again = console.readPassword("password again: ");
      if (!Arrays.equals(first, again)) {
        throw new Unavailable("the two passwords differ");
      }
      Arrays.fill(again, '\0');
    }
    return first;
  }
}
