package dev.spirekms.localkms;

import com.sun.net.httpserver.HttpExchange;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the region a request is for from its SigV4 credential scope, as KMS's regional endpoints do
 * by where they are: {@code Authorization: AWS4-HMAC-SHA256 Credential=<access key
 * id>/<date>/<region>/<service>/aws4_request, ...}. An unsigned request, one whose scope names no
 * region, and one for a region the model has not used yet go to the model's own region, so that a
 * one-region model answers a client of any region as it always has; {@link KmsModel#inRegion} adds
 * a region.
 */
final class RegionRouter {
  private static final Pattern SCOPE =
      Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([a-z0-9-]+)/[a-z0-9-]+/aws4_request");

  private final KmsModel model;
  private final Map<String, KmsJsonProtocol> kms = new ConcurrentHashMap<>();
  private final Map<String, TaggingJsonProtocol> tagging = new ConcurrentHashMap<>();

  RegionRouter(KmsModel model) {
    this.model = model;
  }

  /** The region of the request's credential scope, or the model's region. */
  static String regionOf(String authorization, String fallback) {
    if (authorization == null) {
      return fallback;
    }
    Matcher scope = SCOPE.matcher(authorization);
    return scope.find() ? scope.group(1) : fallback;
  }

  KmsJsonProtocol kms(HttpExchange exchange) {
    return kms.computeIfAbsent(
        regionOf(exchange), region -> new KmsJsonProtocol(model.inRegion(region)));
  }

  TaggingJsonProtocol tagging(HttpExchange exchange) {
    return tagging.computeIfAbsent(
        regionOf(exchange), region -> new TaggingJsonProtocol(model.inRegion(region)));
  }

  private String regionOf(HttpExchange exchange) {
    String region =
        regionOf(exchange.getRequestHeaders().getFirst("Authorization"), model.region());
    return model.hasRegion(region) ? region : model.region();
  }
}
