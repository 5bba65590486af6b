import { SlipwayError } from '../errors.js';
import { quote } from '../secrets/quote.js';
import { FileSource, type FileSourceOptions } from './file.js';
import { PrometheusSource, type PrometheusOptions } from './prometheus.js';
import type { MetricSource } from './types.js';

/** Settings per provider name. */
export interface MetricSourceSettings {
  prometheus: PrometheusOptions;
  file: FileSourceOptions;
}

const PROVIDERS: { [K in keyof MetricSourceSettings]: (settings: MetricSourceSettings[K]) => MetricSource } = {
  prometheus: (settings) => new PrometheusSource(settings),
  file: (settings) => new FileSource(settings),
};

/** The supported metric source names. */
export const METRIC_SOURCE_TYPES = Object.keys(PROVIDERS) as (keyof MetricSourceSettings)[];

/** Makes a metric source from its provider name; an unknown name is an error listing the supported ones. */
export function createMetricSource<K extends keyof MetricSourceSettings>(type: K, settings: MetricSourceSettings[K]): MetricSource {
  const make = PROVIDERS[type] as ((settings: MetricSourceSettings[K]) => MetricSource) | undefined;
  if (!Object.hasOwn(PROVIDERS, type) || !make) {
    throw new SlipwayError(`Unknown metric source ${quote(type)}: supported are ${METRIC_SOURCE_TYPES.join(', ')}.`);
  }
  return make(settings);
}
