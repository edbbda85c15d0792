package io.regulator.app;

import io.regulator.core.config.ConfigProblem;
import io.regulator.core.config.ConfigValidationException;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.spec.FleetSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regulator validate FILE}: OK and a summary, or every problem at once and exit code 1. */
@Command(name = "validate", description = "Check a config file; print OK or every problem with file:line.")
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "config file (default: conf/regulator.conf)")
  String file;

  @Override
  public Integer call() {
    Path path = file == null ? Home.defaultConfig() : Home.userPath(file);
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    try {
      FleetSpec fleet = RegulatorConfig.load(path, Home.dir());
      out.printf("OK: %s (%d components, %d groups)%n", path, fleet.components().size(), fleet.groups().size());
      return 0;
    } catch (ConfigValidationException e) {
      for (ConfigProblem problem : e.problems()) {
        err.println(problem.render());
      }
      err.printf("%d problem%s in %s%n", e.problems().size(), e.problems().size() == 1 ? "" : "s", path);
      return 1;
    }
  }
}
