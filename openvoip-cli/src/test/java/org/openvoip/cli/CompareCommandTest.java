package org.openvoip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {

  /** Whether Java2D can draw text here: it needs fontconfig and at least one font. */
  private static boolean fontsAvailable() {
    try {
      System.setProperty("java.awt.headless", "true");
      return GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames()
          .length > 0;
    } catch (Throwable t) {
      return false;
    }
  }

  @Test
  void theGridIsRunAndWrittenAsTablesAndPlots(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(fontsAvailable(), "SKIPPED LOUDLY: Java finds no fonts to draw the "
        + "plots with; install fontconfig and fonts-dejavu-core (.ci/run does)");
    Path out = dir.resolve("cmp");
    OpenVoipCliTest.Result r = OpenVoipCliTest.run("sim", "compare", "--nodes", "20",
        "--session-median", "1m,none", "--overlays", "chord,bamboo", "--duration", "30s",
        "--lookups-per-second", "5", "--seed", "4", "--neighbor-maintenance", "20s", "--out",
        out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("compare: 4 runs", "compare: [4/4]");
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv).hasSize(5);
    assertThat(csv.get(0)).startsWith("overlay,nodes,session_median_s,seed,duration_s,lookups,");
    assertThat(csv.get(1)).startsWith("chord,20,60.0,4,30,");
    assertThat(csv.get(2)).startsWith("bamboo,20,60.0,4,30,");
    assertThat(csv.get(3)).startsWith("chord,20,0.0,4,30,");
    int columns = csv.get(0).split(",").length;
    for (String line : csv) {
      assertThat(line.split(",")).as(line).hasSize(columns);
      assertThat(line).doesNotContain(",,");
    }
    assertThat(csv.get(1)).matches(".*,[0-9a-f]{16}");
    String md = Files.readString(out.resolve("results.md"));
    assertThat(md).contains("./openvoip sim compare --nodes 20 --session-median 1m,none "
        + "--overlays chord,bamboo --seed 4 --duration 30s --lookups-per-second 5 "
        + "--neighbor-maintenance 20s", "neighbour maintenance every 20s",
        "| 20 | 1m | bamboo |",
        "| 20 | none | chord |");
    for (String png : List.of("success.png", "latency.png", "hops.png", "bytes.png")) {
      BufferedImage image = ImageIO.read(out.resolve(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).isEqualTo(900);
    }
    assertThat(r.out()).contains(out.resolve("results.csv").toString());
    // Drawn again from the CSV, without running: the same tables.
    Path again = dir.resolve("again");
    r = OpenVoipCliTest.run("sim", "compare", "--from", out.resolve("results.csv").toString(),
        "--out", again.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readAllLines(again.resolve("results.csv"))).isEqualTo(csv);
    assertThat(Files.readString(again.resolve("results.md"))).contains("| 20 | 1m | bamboo |",
        "Drawn again from ");
    assertThat(ImageIO.read(again.resolve("success.png").toFile())).isNotNull();
  }

  @Test
  void badArgumentsSayWhatIsWrong(@TempDir Path dir) throws Exception {
    OpenVoipCliTest.Result r = OpenVoipCliTest.run("sim", "compare", "--overlays",
        "chord,pastry", "--out", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown overlay 'pastry'; known: bamboo, chord, kademlia");
    r = OpenVoipCliTest.run("sim", "compare", "--session-median", "1m,often", "--out",
        dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--session-median", "'often' is not a duration");
    java.nio.file.Files.writeString(dir.resolve("x.csv"), "a,b\n1,2\n");
    r = OpenVoipCliTest.run("sim", "compare", "--from", dir.resolve("x.csv").toString(), "--out",
        dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bad --from: ", "no column 'overlay'");
    r = OpenVoipCliTest.run("sim", "compare", "--nodes", "1000");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--out");
  }
}
