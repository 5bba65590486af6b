import type { SourceType } from '../source-settings.js';
import { promqlDialect } from '../template.js';
import type { QueryDialect } from '../types.js';
import { cloudwatchDialect } from './cloudwatch.js';
import { datadogDialect } from './datadog.js';
import { nrqlDialect } from './nrql.js';
import { webDialect } from './web.js';

// Each source type's query language, apart from the sources themselves: what parses a plan or the
// analyze action's inputs checks templates and selectors with these, and never loads a source.

const DIALECTS: Record<SourceType, QueryDialect> = {
  prometheus: promqlDialect,
  web: webDialect,
  datadog: datadogDialect,
  cloudwatch: cloudwatchDialect,
  newrelic: nrqlDialect,
};

/** The query language of a source type, for checking templates where settings are parsed. */
export function dialectOf(type: SourceType): QueryDialect {
  return DIALECTS[type];
}
