package org.openvoip.p2pp;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.node.P2ppClient;
import org.openvoip.p2pp.wire.IpAddress;

/**
 * The protocol engine does no I/O (ARCHITECTURE.md): nothing in p2pp-core opens a socket or a
 * file, starts a thread or an executor, reads the wall clock, or makes its own randomness. Time,
 * timers, randomness and sending all come through {@link org.openvoip.p2pp.env.Env}, so the same
 * code runs on Netty and in the simulator.
 */
class NoIoInTheEngineTest {
  private static final JavaClasses ENGINE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.openvoip.p2pp");

  @Test
  void theRulesSeeTheWholeEngine() {
    org.assertj.core.api.Assertions.assertThat(ENGINE.contain(org.openvoip.p2pp.wire.WireDecoder.class)
        && ENGINE.contain(org.openvoip.p2pp.transaction.TransactionLayer.class)).isTrue();
  }

  @Test
  void noSocketsFilesThreadsOrNetty() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "java.nio.channels..", "java.nio.file..", "io.netty..")
        .orShould().dependOnClassesThat(concurrencyOtherThanTheApisHandOff())
        .orShould().dependOnClassesThat().belongToAnyOf(java.net.Socket.class,
            java.net.ServerSocket.class, java.net.DatagramSocket.class, java.net.URL.class,
            java.io.File.class, java.io.FileInputStream.class, java.io.FileOutputStream.class,
            Thread.class, java.util.Timer.class, java.util.Random.class)
        .because("the engine reaches the world only through Env")
        .check(ENGINE);
  }

  /**
   * Key generation and ECDSA signatures need a SecureRandom: the security primitives take the one
   * the runtime gives them (a real one on the network, a seeded one in the simulator), and
   * nothing in the engine makes one, nor calls JCA methods that would make their own.
   */
  @Test
  void secureRandomnessComesFromTheRuntime() {
    noClasses().that().resideOutsideOfPackage("org.openvoip.p2pp.security..")
        .should().dependOnClassesThat().belongToAnyOf(java.security.SecureRandom.class)
        .because("only the security primitives handle the runtime's SecureRandom")
        .check(ENGINE);
    noClasses().should().callConstructor(java.security.SecureRandom.class)
        .orShould().callConstructor(java.security.SecureRandom.class, byte[].class)
        .orShould().callMethod(java.security.SecureRandom.class, "getInstanceStrong")
        .orShould().callMethod(java.security.SecureRandom.class, "getInstance", String.class)
        .orShould().callMethod(java.security.Signature.class, "initSign",
            java.security.PrivateKey.class)
        .orShould().callMethod(java.security.KeyPairGenerator.class, "initialize", int.class)
        .because("the engine never makes its own randomness")
        .check(ENGINE);
  }

  /**
   * java.util.concurrent is off limits except what the public API needs to hand results to
   * other threads: CompletableFuture, Executor (supplied by the runtime) and a copy-on-write
   * listener list. None of these starts a thread; {@code Node} queues work through Env.
   */
  private static DescribedPredicate<JavaClass> concurrencyOtherThanTheApisHandOff() {
    return DescribedPredicate.describe("java.util.concurrent other than the API's hand-off types",
        c -> c.getPackageName().startsWith("java.util.concurrent")
            && !c.isEquivalentTo(CompletableFuture.class) && !c.isEquivalentTo(Executor.class)
            && !c.isEquivalentTo(CopyOnWriteArrayList.class));
  }

  @Test
  void onlyThePublicFacadesUseFutures() {
    noClasses().that().doNotBelongToAnyOf(Node.class, P2ppClient.class)
        .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..")
        .because("the engine is single-threaded; only the public Node and P2ppClient hand results across")
        .check(ENGINE);
  }

  @Test
  void noWallClockAndNoUnseededRandomness() {
    noClasses().should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Instant.class, "now")
        .orShould().callMethod(LocalDateTime.class, "now")
        .orShould().callMethod(Clock.class, "systemUTC")
        .orShould().callMethod(Math.class, "random")
        .because("time and randomness come from Env, so a seed replays a run exactly")
        .check(ENGINE);
  }

  @Test
  void noNameLookups() {
    noClasses().that().doNotBelongToAnyOf(IpAddress.class)
        .should().callMethod(InetAddress.class, "getByName", String.class)
        .orShould().callMethod(InetAddress.class, "getAllByName", String.class)
        .because("only IpAddress.parse may use the JDK's literal parser, after ruling out names")
        .check(ENGINE);
  }
}
