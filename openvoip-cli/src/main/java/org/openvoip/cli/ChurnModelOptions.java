package org.openvoip.cli;

import java.util.List;
import org.openvoip.sim.churn.Distribution;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The distribution of session times and down-times, by its median. */
final class ChurnModelOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--churn-model", defaultValue = "exponential", description = "Session and "
      + "down-time distribution: exponential, pareto or weibull (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--pareto-shape", defaultValue = "1.5", description = "Shape of the Pareto "
      + "distribution; its scale gives the median (default: ${DEFAULT-VALUE}).")
  double paretoShape;

  @Option(names = "--weibull-shape", defaultValue = "0.5", description = "Shape of the Weibull "
      + "distribution (below 1: the longer up, the likelier to stay); its scale gives the median "
      + "(default: ${DEFAULT-VALUE}).")
  double weibullShape;

  /** Refuses a model or shape that cannot be. */
  void check() {
    if (!(paretoShape > 0) || Double.isInfinite(paretoShape)) {
      throw new ParameterException(spec.commandLine(), "--pareto-shape must be positive, not "
          + paretoShape);
    }
    if (!(weibullShape > 0) || Double.isInfinite(weibullShape)) {
      throw new ParameterException(spec.commandLine(), "--weibull-shape must be positive, not "
          + weibullShape);
    }
    if (!List.of("exponential", "pareto", "weibull").contains(model)) {
      throw new ParameterException(spec.commandLine(), "--churn-model must be exponential,"
          + " pareto or weibull, not '" + model + "'");
    }
  }

  /** The distribution with this median. */
  Distribution distribution(long medianMillis) {
    return switch (model) {
      case "pareto" -> Distribution.paretoMedian(paretoShape, medianMillis);
      case "weibull" -> Distribution.weibullMedian(weibullShape, medianMillis);
      default -> Distribution.exponentialMedian(medianMillis);
    };
  }
}
