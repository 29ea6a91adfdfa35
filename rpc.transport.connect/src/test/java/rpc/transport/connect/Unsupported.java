package rpc.transport.connect;

import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables the conformance tests this transport cannot pass, each with the reason, which JUnit
 * reports as the test's skip reason. Keys are {@code Group#method}, the group being the nested
 * class's simple name. Thread-safe (immutable).
 */
final class Unsupported implements ExecutionCondition {
  private final Map<String, String> reasons;

  Unsupported(Map<String, String> reasons) {
    this.reasons = Map.copyOf(reasons);
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      return ConditionEvaluationResult.enabled("a container");
    }
    String key = context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName();
    String reason = reasons.get(key);
    return reason == null ? ConditionEvaluationResult.enabled("supported") : ConditionEvaluationResult.disabled(reason);
  }
}
