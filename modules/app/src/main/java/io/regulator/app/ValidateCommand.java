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
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a config file; print OK or every problem with file:line.")
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
      out.printf("OK: %s (%s, %s)%n", path, count(fleet.components().size(), "component"),
          count(fleet.groups().size(), "group"));
      return 0;
    } catch (ConfigValidationException e) {
      for (ConfigProblem problem : e.problems()) {
        err.println(problem.render());
      }
      err.printf("%s in %s%n", count(e.problems().size(), "problem"), path);
      return 1;
    }
  }

  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
