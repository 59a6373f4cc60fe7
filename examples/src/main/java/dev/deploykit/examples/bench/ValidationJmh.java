package dev.deploykit.examples.bench;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ValidationResult;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of {@link EnvironmentVariableValidator} (issue #9, item 4), on the same inputs
 * as the plain harness {@link ValidationBenchmark}: {@code validateAll} of the 12 variables of a
 * full scaffold with valid values, and single {@code validate} calls with adversarial values of 1
 * KiB, 64 KiB and 1 MiB. The target is no single call over 10 ms; in {@code Mode.SampleTime} JMH
 * reports each call's time, and its {@code p1.00} is the slowest call measured.
 *
 * <p>Not run by {@code mvn verify}. Run from the fat jar (its {@code META-INF/BenchmarkList} lists
 * these benchmarks), for instance: {@code java -cp examples/target/deploykit.jar
 * org.openjdk.jmh.Main ValidationJmh -f 1 -wi 2 -i 3 -w 1s -r 1s}. The defaults below are the
 * same. Instances are created and driven by JMH, one per benchmark thread; not for other use.
 */
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ValidationJmh {
  /** Creates the benchmark; JMH does. */
  public ValidationJmh() {}

  /** The validator and the 12 variables of the full scaffold, filled with valid values. */
  @State(Scope.Benchmark)
  public static class Scaffold {
    EnvironmentVariableValidator validator = EnvironmentVariableValidator.create();
    List<EnvironmentVariable> variables = List.of();

    /** Creates the state; JMH does. */
    public Scaffold() {}

    /** Detects and fills the variables, and checks that they are the 12 valid ones expected. */
    @Setup
    public void setUp() {
      validator = EnvironmentVariableValidator.create();
      variables = ValidationInputs.filledVariables();
      Map<String, String> errors = validator.getErrors(variables);
      if (variables.size() != 12 || !errors.isEmpty()) {
        throw new AssertionError("expected 12 valid variables, got " + variables.size()
            + " with errors for " + errors.keySet());
      }
    }
  }

  /**
   * Adversarial values of one size, and the 12 variables they are given to: each benchmark call
   * validates the next (value, variable) pair, so one run of a size covers every pair, one call per
   * sample.
   */
  @State(Scope.Thread)
  public static class Adversarial {
    /** The values' size in characters: 1 KiB, 64 KiB or 1 MiB. */
    @Param({"1024", "65536", "1048576"})
    public int size;

    /**
     * {@code ALL} (the default: the 19 shapes in turn, 228 pairs with the 12 variables) or the
     * name of one {@link ValidationInputs.Shape} constant, to single it out: {@code -p
     * shape=WHITESPACE}; several, comma-separated, give one result each.
     */
    @Param({"ALL"})
    public String shape = "ALL";

    EnvironmentVariableValidator validator = EnvironmentVariableValidator.create();
    EnvironmentVariable[] variables = new EnvironmentVariable[0];
    String[] values = new String[0];
    int nextVariable;
    int nextValue;

    /** Creates the state; JMH does. */
    public Adversarial() {}

    /** Makes the values once per trial, so that their making is not measured. */
    @Setup
    public void setUp() {
      validator = EnvironmentVariableValidator.create();
      variables = ValidationInputs.filledVariables().toArray(new EnvironmentVariable[0]);
      ValidationInputs.Shape[] shapes;
      if (shape.equals("ALL")) {
        shapes = ValidationInputs.Shape.values();
      } else {
        try {
          shapes = new ValidationInputs.Shape[] {ValidationInputs.Shape.valueOf(shape)};
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("unknown shape '" + shape + "': use ALL or one of "
              + Arrays.toString(ValidationInputs.Shape.values()), e);
        }
      }
      values = Arrays.stream(shapes).map(s -> s.make(size)).toArray(String[]::new);
      nextVariable = 0;
      nextValue = 0;
    }

    /** Validates the next pair: every variable with one value, then the next value. */
    ValidationResult validateNext() {
      ValidationResult r = validator.validate(variables[nextVariable], values[nextValue]);
      if (++nextVariable == variables.length) {
        nextVariable = 0;
        if (++nextValue == values.length) {
          nextValue = 0;
        }
      }
      return r;
    }
  }

  /**
   * {@code validateAll} of the 12 variables of the full scaffold.
   *
   * @param s the scaffold
   * @return the results, for JMH to consume
   */
  @Benchmark
  @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Map<String, ValidationResult> validateAll(Scaffold s) {
    return s.validator.validateAll(s.variables);
  }

  /**
   * One {@code validate} call: the next adversarial (value, variable) pair.
   *
   * @param a the adversarial values
   * @return the result, for JMH to consume
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public ValidationResult adversarialValidate(Adversarial a) {
    return a.validateNext();
  }
}
