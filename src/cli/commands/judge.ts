import { readFileSync } from 'node:fs';
import { errorMessage } from '../../core/errors.js';
import type { JudgeReport } from '../../core/judge/index.js';
import { analysisMarkdown } from '../../core/report/index.js';
import { parseFlags, type CliCommand } from '../command.js';
import { judgeJsonText } from './judge-file.js';

/** Exit codes of `slipway judge`: the verdict, or 2 for bad usage or input. */
export const judgeExitCodes = { pass: 0, fail: 1, usage: 2, inconclusive: 3 } as const;

const usage = `usage: slipway judge --input <data.json> [--format json|markdown]

Judges canary against baseline on saved data (the format is in docs/judge.md) and prints the
report: JSON (default) or Markdown.

exit codes: 0 pass, 1 fail, 3 inconclusive, 2 bad usage or invalid input`;

/** `slipway judge`: the judge over a JSON file, as the analyze action runs it over Prometheus data. */
export const judgeCommand: CliCommand = {
  name: 'judge',
  summary: 'judge canary vs baseline on saved metric data (exit 0 pass, 1 fail, 3 inconclusive)',
  usage,
  async run(args, io) {
    let report: JudgeReport;
    let format: string;
    try {
      const flags = parseFlags(args, { values: ['input', 'format'] });
      format = flags.format === undefined ? 'json' : String(flags.format);
      if (format !== 'json' && format !== 'markdown') throw new Error(`--format must be json or markdown, not '${format}'`);
      if (typeof flags.input !== 'string') throw new Error('--input <data.json> is required');
      // Read as bytes, then decoded: Node 20's direct text read is the slower path for a file of megabytes.
      report = judgeJsonText(readFileSync(flags.input).toString('utf8'));
    } catch (error) {
      io.err(`slipway judge: ${errorMessage(error)}\n\n${usage}\n`);
      return judgeExitCodes.usage;
    }
    io.out(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : analysisMarkdown({ report }, 'Canary verdict'));
    return judgeExitCodes[report.verdict];
  },
};
