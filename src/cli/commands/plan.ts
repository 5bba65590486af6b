import { readFileSync } from 'node:fs';
import { errorMessage } from '../../core/errors.js';
import type { RolloutPlan, ServiceTraffic } from '../../core/plan/index.js';
import { parsePercentage } from '../../core/values/index.js';
import { parseFlags, type CliCommand } from '../command.js';

/** Exit codes of `slipway plan check`. */
export const planCheckExitCodes = { ok: 0, invalid: 1, usage: 2, undetectable: 3 } as const;

const usage = `usage: slipway plan check <plan.yml> [--rps <requests/s> --error-rate <percent>]
       (or --plan <plan.yml>)

Validates a rollout plan, naming every problem at its line, and prints what a rollout of it will
do, step by step: the router, the slots, the analysis, each step and the promotion. Given the
service's traffic (requests per second and error rate, e.g. what the stable version served over
the last hour), it also says what each analysis step can detect: the smallest error-rate
regression it would catch with 95% probability, against each rate metric's detect ratio
(default 2x).

exit codes: 0 valid (and, with the traffic, every analysis can catch its metrics' detect ratio),
1 an invalid plan, 2 bad usage, 3 an analysis cannot catch its detect ratio`;

/** `slipway plan check`: the plan's validation, its dry run and, with the traffic, its detection forecast. */
export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'check a rollout plan and print what it will do step by step; with --rps, what its analyses can detect',
  usage,
  async run(args, io) {
    // The plan library loads when this command runs, not whenever the CLI starts (docs/architecture.md, "Fast start").
    const { dryRun, forecastAnalyses, forecastWarnings, loadPlan } = await import('../../core/plan/index.js');
    let file: string;
    let traffic: ServiceTraffic | undefined;
    try {
      if (args[0] !== 'check') throw new Error(`expected 'check', got ${args[0] === undefined ? 'nothing' : `'${args[0]}'`}`);
      const positional = args[1] !== undefined && !args[1].startsWith('--') ? args[1] : undefined;
      const flags = parseFlags(args.slice(positional === undefined ? 1 : 2), { values: ['plan', 'rps', 'error-rate'] });
      if (positional !== undefined && flags.plan !== undefined) throw new Error('give the plan once: as <plan.yml> or as --plan <plan.yml>');
      const named = positional ?? flags.plan;
      if (typeof named !== 'string') throw new Error('the plan file is required: slipway plan check <plan.yml>');
      file = named;
      traffic = trafficOf(flags.rps, flags['error-rate']);
    } catch (error) {
      io.err(`slipway plan check: ${errorMessage(error)}\n\n${usage}\n`);
      return planCheckExitCodes.usage;
    }
    let plan: RolloutPlan;
    try {
      plan = loadPlan(readFileSync(file, 'utf8'), file);
    } catch (error) {
      io.err(`slipway plan check: ${errorMessage(error)}\n`);
      return planCheckExitCodes.invalid;
    }
    io.out(`The plan is valid: ${plan.strategy}, ${plan.steps.length} steps, router ${plan.router.provider}.\n\n`);
    io.out(`What a rollout of it will do:\n${dryRun(plan).join('\n')}\n`);
    if (!traffic) return planCheckExitCodes.ok;
    const forecasts = forecastAnalyses(plan, traffic);
    if (forecasts.length === 0) {
      io.out('\nIt has no analysis steps: nothing judges the canary.\n');
      return planCheckExitCodes.ok;
    }
    io.out(`\nWhat each analysis can detect with ${traffic.requestsPerSecond} req/s at ${traffic.errorRate * 100}% errors (95% probability):\n\n`);
    io.out('| step | analysis | canary | metric | detectable | detect |\n|---|---|---|---|---|---|\n');
    for (const forecast of forecasts) {
      for (const m of forecast.metrics) {
        const detectable = Number.isFinite(m.detectable) ? `${Number(m.detectable.toPrecision(3))}×` : 'nothing';
        io.out(`| ${forecast.step} | ${forecast.label} | ${forecast.canaryWeight}% | ${m.metric} | ${detectable} | ${m.detect}× ${m.detectable <= m.detect ? '✅' : '⚠️'} |\n`);
      }
    }
    const warnings = forecastWarnings(forecasts, traffic);
    for (const warning of warnings) io.out(`\n⚠️ ${warning}\n`);
    return warnings.length > 0 ? planCheckExitCodes.undetectable : planCheckExitCodes.ok;
  },
};

/** The traffic flags, both or neither. */
function trafficOf(rps: string | true | undefined, errorRate: string | true | undefined): ServiceTraffic | undefined {
  if (rps === undefined && errorRate === undefined) return undefined;
  if (typeof rps !== 'string' || typeof errorRate !== 'string') throw new Error('--rps and --error-rate go together, e.g. --rps 100 --error-rate 1%');
  const requestsPerSecond = Number(rps);
  if (!(requestsPerSecond > 0 && Number.isFinite(requestsPerSecond))) throw new Error(`--rps must be a number of requests per second above 0, not '${rps}'`);
  // Above 0: without errors no regression can be seen.
  const percent = parsePercentage(errorRate, { positive: true, below: 100 });
  return { requestsPerSecond, errorRate: percent / 100 };
}
