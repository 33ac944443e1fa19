package org.openvoip.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code openvoip} command. Exit codes: 0 success, 1 the command failed (bytes that do not
 * decode, a key not found, a peer that does not answer, a demo below its bar), 2 usage error
 * (picocli's default).
 */
@Command(
    name = "openvoip",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = OpenVoipCli.Version.class,
    description = "OpenVoIP: peer-to-peer VoIP and IM on P2PP (draft-baset-p2psip-p2pp-01).",
    subcommands = {
      DemoCommand.class,
      SimCommand.class,
      BootstrapCommand.class,
      NodeCommand.class,
      EnrollServerCommand.class,
      EnrollCommand.class,
      PutCommand.class,
      GetCommand.class,
      StunCommand.class,
      RelayCommand.class,
      WireCommand.class,
      HelpCommand.class
    })
public final class OpenVoipCli implements Runnable {

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run it in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new OpenVoipCli());
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The project version, filtered into version.txt at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      try (InputStream in = OpenVoipCli.class.getResourceAsStream("version.txt")) {
        String version =
            in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        return new String[] {"openvoip " + version};
      }
    }
  }
}
