import { OpenApiContract } from '../github-sim/contract.js';

// Datadog's own description of GET /api/v1/query (QueryMetrics), copied unchanged from its public
// OpenAPI description (contracts/datadog-metrics-query.json, origin in contracts/README.md), checked
// by the same validator as the GitHub simulator's contract.

/** The route the simulator serves, as the contract names it. */
export const QUERY_TEMPLATE = '/api/v1/query';

/** Datadog's QueryMetrics contract. */
export const datadogContract = new OpenApiContract(new URL('../../contracts/datadog-metrics-query.json', import.meta.url), {
  // Datadog's generic answers (401, 404, 5xx) have the same shape as its documented errors: APIErrorResponse {errors: [string]}.
  undocumentedError: (body) => {
    const errors = (body as { errors?: unknown } | undefined)?.errors;
    return Array.isArray(errors) && errors.every((e) => typeof e === 'string') ? undefined : 'an error body needs "errors", a list of strings (APIErrorResponse)';
  },
  documentationRoot: 'https://docs.datadoghq.com/api/latest/metrics/#query-timeseries-points',
});
