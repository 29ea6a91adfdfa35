package rpc.api.internal.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import rpc.api.Status;

/**
 * A parsed service config. Immutable. Built from the JSON object model (maps with string keys,
 * lists, strings, numbers, booleans, as a JSON parser gives them) by {@link #parse}, which checks
 * every field it reads and names the one that is wrong.
 *
 * @param methods method configs by name: {@code "svc/method"}, {@code "svc/"} for a whole service,
 *     {@code "/"} for the default
 * @param throttling retry throttling, or null
 * @param loadBalancingPolicy the first policy in {@code loadBalancingConfig} this channel knows, or null
 * @param healthCheckService with {@code healthCheckConfig}, the service whose health each
 *     subchannel watches (gRFC A17; empty for the server as a whole), or null for no health checks
 */
public record ServiceConfig(Map<String, MethodConfig> methods, Throttling throttling, String loadBalancingPolicy,
    String healthCheckService) {

  /** No settings. */
  public static final ServiceConfig EMPTY = new ServiceConfig(Map.of(), null, null, null);

  /**
   * The config of one method. Immutable.
   *
   * @param timeout the call timeout, or null
   * @param waitForReady whether calls wait for ready, or null to leave the call's choice
   * @param maxRequestBytes the largest request message, or null
   * @param maxResponseBytes the largest response message, or null
   * @param retry the retry policy, or null
   * @param hedging the hedging policy, or null (never both)
   */
  public record MethodConfig(Duration timeout, Boolean waitForReady, Integer maxRequestBytes, Integer maxResponseBytes,
      RetryPolicy retry, HedgingPolicy hedging) {}

  /**
   * gRFC A6 retries. Immutable.
   *
   * @param maxAttempts attempts in all, the first included (2 to 5; larger values are capped at 5)
   * @param initialBackoff the first delay's upper bound
   * @param maxBackoff the largest delay's upper bound
   * @param multiplier how the bound grows per attempt
   * @param retryableCodes the codes that retry
   */
  public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
      Set<Status.Code> retryableCodes) {}

  /**
   * gRFC A6 hedging. Immutable.
   *
   * @param maxAttempts attempts in all (2 to 5, capped at 5)
   * @param delay the wait before each further attempt
   * @param nonFatalCodes codes after which the next attempt starts at once instead of ending the call
   */
  public record HedgingPolicy(int maxAttempts, Duration delay, Set<Status.Code> nonFatalCodes) {}

  /**
   * gRFC A6 retry throttling. Immutable.
   *
   * @param maxTokens the token bucket's size (1 to 1000)
   * @param tokenRatio tokens a successful call returns (0 to 1, three decimals)
   */
  public record Throttling(int maxTokens, double tokenRatio) {}

  /** Attempts beyond this are capped, as in grpc. */
  static final int MAX_ATTEMPTS_CAP = 5;

  /**
   * The config of {@code fullMethodName} ({@code pkg.Service/Method}): its own, else its
   * service's, else the default; null if none applies.
   */
  public MethodConfig forMethod(String fullMethodName) {
    if (methods.isEmpty()) {
      return null;
    }
    MethodConfig c = methods.get(fullMethodName);
    if (c == null) {
      int slash = fullMethodName.indexOf('/');
      c = methods.get(fullMethodName.substring(0, slash + 1));
    }
    return c != null ? c : methods.get("/");
  }

  /**
   * Parses a service config.
   *
   * @param json the top-level JSON object
   * @param knownPolicies the load-balancing policies available (the first of them in
   *     {@code loadBalancingConfig} is chosen)
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static ServiceConfig parse(Map<String, ?> json, Set<String> knownPolicies) {
    Map<String, MethodConfig> methods = new HashMap<>();
    List<?> methodConfigs = list(json, "methodConfig", "");
    if (methodConfigs != null) {
      for (int i = 0; i < methodConfigs.size(); i++) {
        String path = "methodConfig[" + i + "]";
        Map<String, ?> mc = object(methodConfigs.get(i), path);
        MethodConfig config = methodConfig(mc, path);
        List<?> names = list(mc, "name", path);
        if (names == null || names.isEmpty()) {
          throw bad(path + ".name", "is missing: each method config names the methods it applies to");
        }
        for (int j = 0; j < names.size(); j++) {
          String np = path + ".name[" + j + "]";
          Map<String, ?> name = object(names.get(j), np);
          String service = string(name, "service", np);
          String method = string(name, "method", np);
          if ((service == null || service.isEmpty()) && method != null && !method.isEmpty()) {
            throw bad(np, "names a method without a service");
          }
          String key = (service == null ? "" : service) + "/" + (method == null ? "" : method);
          if (methods.putIfAbsent(key, config) != null) {
            throw bad(np, "names '" + key + "' a second time");
          }
        }
      }
    }
    Throttling throttling = null;
    Map<String, ?> rt = json.get("retryThrottling") == null ? null : object(json.get("retryThrottling"), "retryThrottling");
    if (rt != null) {
      Number maxTokens = number(rt, "maxTokens", "retryThrottling");
      Number ratio = number(rt, "tokenRatio", "retryThrottling");
      if (maxTokens == null || ratio == null) {
        throw bad("retryThrottling", "needs maxTokens and tokenRatio");
      }
      if (maxTokens.doubleValue() <= 0 || maxTokens.doubleValue() != Math.rint(maxTokens.doubleValue())) {
        throw bad("retryThrottling.maxTokens", "must be a positive integer: " + maxTokens);
      }
      if (ratio.doubleValue() <= 0) {
        throw bad("retryThrottling.tokenRatio", "must be positive: " + ratio);
      }
      throttling = new Throttling((int) Math.min(1000, maxTokens.doubleValue()),
          Math.rint(ratio.doubleValue() * 1000) / 1000);
    }
    String health = null;
    if (json.get("healthCheckConfig") != null) {
      Map<String, ?> hc = object(json.get("healthCheckConfig"), "healthCheckConfig");
      health = string(hc, "serviceName", "healthCheckConfig");
      if (health == null) {
        health = "";
      }
    }
    return new ServiceConfig(Map.copyOf(methods), throttling, policy(json, knownPolicies), health);
  }

  private static String policy(Map<String, ?> json, Set<String> known) {
    List<?> configs = list(json, "loadBalancingConfig", "");
    if (configs != null) {
      List<String> named = new ArrayList<>();
      for (int i = 0; i < configs.size(); i++) {
        Map<String, ?> one = object(configs.get(i), "loadBalancingConfig[" + i + "]");
        if (one.size() != 1) {
          throw bad("loadBalancingConfig[" + i + "]", "must name exactly one policy: " + one.keySet());
        }
        String name = one.keySet().iterator().next();
        if (known.contains(name)) {
          return name;
        }
        named.add(name);
      }
      throw bad("loadBalancingConfig", "names no policy this channel knows: " + named + "; known: " + known);
    }
    String legacy = string(json, "loadBalancingPolicy", "");
    if (legacy != null) {
      String name = legacy.toLowerCase(Locale.ROOT);
      if (!known.contains(name)) {
        throw bad("loadBalancingPolicy", "'" + legacy + "' is not known; known: " + known);
      }
      return name;
    }
    return null;
  }

  private static MethodConfig methodConfig(Map<String, ?> mc, String path) {
    Duration timeout = duration(mc, "timeout", path);
    Object wfr = mc.get("waitForReady");
    if (wfr != null && !(wfr instanceof Boolean)) {
      throw bad(path + ".waitForReady", "must be true or false: " + wfr);
    }
    Integer maxReq = size(mc, "maxRequestMessageBytes", path);
    Integer maxResp = size(mc, "maxResponseMessageBytes", path);
    RetryPolicy retry = null;
    if (mc.get("retryPolicy") != null) {
      retry = retryPolicy(object(mc.get("retryPolicy"), path + ".retryPolicy"), path + ".retryPolicy");
    }
    HedgingPolicy hedging = null;
    if (mc.get("hedgingPolicy") != null) {
      hedging = hedgingPolicy(object(mc.get("hedgingPolicy"), path + ".hedgingPolicy"), path + ".hedgingPolicy");
    }
    if (retry != null && hedging != null) {
      throw bad(path, "has both a retryPolicy and a hedgingPolicy; a method may have one of them");
    }
    return new MethodConfig(timeout, (Boolean) wfr, maxReq, maxResp, retry, hedging);
  }

  private static RetryPolicy retryPolicy(Map<String, ?> rp, String path) {
    int attempts = attempts(rp, path);
    Duration initial = duration(rp, "initialBackoff", path);
    Duration max = duration(rp, "maxBackoff", path);
    Number multiplier = number(rp, "backoffMultiplier", path);
    if (initial == null || initial.isZero()) {
      throw bad(path + ".initialBackoff", "must be given and above zero");
    }
    if (max == null || max.isZero()) {
      throw bad(path + ".maxBackoff", "must be given and above zero");
    }
    if (multiplier == null || multiplier.doubleValue() <= 0) {
      throw bad(path + ".backoffMultiplier", "must be given and above zero");
    }
    Set<Status.Code> codes = codes(rp, "retryableStatusCodes", path);
    if (codes.isEmpty()) {
      throw bad(path + ".retryableStatusCodes", "must name at least one status code");
    }
    return new RetryPolicy(attempts, initial, max, multiplier.doubleValue(), codes);
  }

  private static HedgingPolicy hedgingPolicy(Map<String, ?> hp, String path) {
    int attempts = attempts(hp, path);
    Duration delay = duration(hp, "hedgingDelay", path);
    return new HedgingPolicy(attempts, delay == null ? Duration.ZERO : delay, codes(hp, "nonFatalStatusCodes", path));
  }

  private static int attempts(Map<String, ?> p, String path) {
    Number n = number(p, "maxAttempts", path);
    if (n == null || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 2) {
      throw bad(path + ".maxAttempts", "must be an integer of at least 2: " + n);
    }
    return (int) Math.min(MAX_ATTEMPTS_CAP, n.doubleValue());
  }

  private static Set<Status.Code> codes(Map<String, ?> p, String key, String path) {
    List<?> list = list(p, key, path);
    if (list == null) {
      return Set.of();
    }
    EnumSet<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
    for (int i = 0; i < list.size(); i++) {
      Object v = list.get(i);
      String at = path + "." + key + "[" + i + "]";
      Status.Code code;
      if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        code = n.intValue() >= 0 && n.intValue() <= 16 ? Status.Code.of(n.intValue()) : null;
      } else if (v instanceof String s) {
        try {
          code = Status.Code.valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          code = null;
        }
      } else {
        code = null;
      }
      if (code == null || code == Status.Code.OK) {
        throw bad(at, "is not a status code other than OK: " + v);
      }
      codes.add(code);
    }
    return Collections.unmodifiableSet(codes);
  }

  // ---- the JSON object model ----

  @SuppressWarnings("unchecked")
  private static Map<String, ?> object(Object v, String path) {
    if (!(v instanceof Map<?, ?> m)) {
      throw bad(path, "must be an object: " + v);
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw bad(path, "has a key that is not a string: " + k);
      }
    }
    return (Map<String, ?>) m;
  }

  private static List<?> list(Map<String, ?> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw bad(join(path, key), "must be a list: " + v);
    }
    return l;
  }

  private static String string(Map<String, ?> m, String key, String path) {
    Object v = m.get(key);
    if (v != null && !(v instanceof String)) {
      throw bad(join(path, key), "must be a string: " + v);
    }
    return (String) v;
  }

  private static Number number(Map<String, ?> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n;
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.strip()); // protobuf's JSON mapping writes 64-bit integers as strings
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw bad(join(path, key), "must be a number: " + v);
  }

  private static Integer size(Map<String, ?> m, String key, String path) {
    Number n = number(m, key, path);
    if (n == null) {
      return null;
    }
    if (n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw bad(join(path, key), "must be a non-negative integer: " + n);
    }
    return (int) Math.min(Integer.MAX_VALUE, n.doubleValue());
  }

  /** A protobuf JSON duration: decimal seconds with an {@code s} suffix ({@code "1.5s"}). */
  private static Duration duration(Map<String, ?> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    String p = join(path, key);
    if (!(v instanceof String s) || !s.endsWith("s")) {
      throw bad(p, "must be a duration such as \"1.5s\": " + v);
    }
    try {
      java.math.BigDecimal seconds = new java.math.BigDecimal(s.substring(0, s.length() - 1).strip());
      if (seconds.signum() < 0) {
        throw bad(p, "must not be negative: " + v);
      }
      java.math.BigDecimal nanos = seconds.movePointRight(9).setScale(0, java.math.RoundingMode.UP);
      return Duration.ofSeconds(0, nanos.min(java.math.BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad(p, "must be a duration such as \"1.5s\": " + v);
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static IllegalArgumentException bad(String path, String what) {
    return new IllegalArgumentException("service config: " + path + " " + what);
  }
}
