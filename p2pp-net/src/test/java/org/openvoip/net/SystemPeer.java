package org.openvoip.net;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A real program from a Debian package that a test talks to (coturn, ...). In CI, where
 * {@code .ci/run} installs the packages, a missing program fails the test; elsewhere the test
 * is skipped, saying which package would run it. It never passes without the program.
 */
final class SystemPeer {
  private SystemPeer() {}

  /** The path of {@code program}, or the test stops as described above. */
  static Path require(String program, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin")
        .split(File.pathSeparator)) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String why = program + " is not installed (Debian package " + debianPackage
        + "; .ci/run installs it)";
    if (System.getenv("CI") != null) {
      fail(why);
    }
    System.err.println("SKIPPED: " + why);
    Assumptions.abort(why);
    return null;
  }
}
