/** Input names of the analyze action (equal to actions/analyze/action.yml). */
export const Inputs = {
  Prometheus: 'prometheus',
  Source: 'source',
  Metrics: 'metrics',
  Args: 'args',
  CanarySelector: 'canary-selector',
  BaselineSelector: 'baseline-selector',
  Duration: 'duration',
  Interval: 'interval',
  History: 'history',
  HistorySelector: 'history-selector',
  Alpha: 'alpha',
  OnNoData: 'on-no-data',
  OnUndecided: 'on-undecided',
  FailOn: 'fail-on',
  ConsecutiveErrorLimit: 'consecutive-error-limit',
  DeploymentId: 'deployment-id',
  PrometheusHeaders: 'prometheus-headers',
  Token: 'token',
} as const;

/** Output names of the analyze action. */
export const Outputs = {
  Verdict: 'verdict',
  Score: 'score',
  Report: 'report',
} as const;

/** State names of the analyze action (read by its post step). */
export const State = {
  /** The deployment whose status says "analysis running" until the analysis writes its verdict. */
  AnalysingDeployment: 'analysing-deployment',
} as const;
