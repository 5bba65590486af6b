import { registerSecret } from '../../secrets/index.js';
import { PrometheusSource } from '../prometheus.js';
import { resolveHeaders, type SourceSettings } from '../source-settings.js';
import type { MetricSource, SourceContext } from '../types.js';

// The one place a source's settings become a MetricSource (docs/analysis.md, "Metric sources").
// The vendors' SDKs are loaded only by the source that uses them (dynamic import: each is a chunk
// of its own in the bundles), so an action that reads Prometheus starts as fast as before.

/**
 * A MetricSource for `settings`. `{{env.NAME}}` references are resolved now, so an unset
 * variable fails before any traffic moves; each value is registered as a secret as it is read.
 */
export async function createSource(settings: SourceSettings, context: SourceContext): Promise<MetricSource> {
  switch (settings.type) {
    case 'prometheus': {
      // Amazon Managed Prometheus: every request signed with the AWS chain's credentials (the AWS libraries load only here).
      const sign = settings.sigv4 && (await (await import('../sigv4.js')).createSigV4Signer({ ...settings.sigv4, env: context.env }));
      return new PrometheusSource({ url: settings.url, headers: resolveHeaders(settings.headers, context.env, (name) => `source prometheus header ${name}`, registerSecret), ...(sign ? { sign } : {}), ...retryOptions(context) });
    }
    case 'web':
      return (await import('./web.js')).createWebSource(settings, context);
    case 'datadog':
      return (await import('./datadog.js')).createDatadogSource(settings, context);
    case 'cloudwatch':
      return (await import('./cloudwatch.js')).createCloudWatchSource(settings, context);
    case 'newrelic':
      return (await import('./newrelic.js')).createNewRelicSource(settings, context);
  }
}

function retryOptions(context: SourceContext) {
  return { timeoutMs: context.timeoutMs, retries: context.retries, retryDelayMs: context.retryDelayMs, clock: context.clock };
}
