import { describe, expect, test } from '@jest/globals';
import { closeIfOpen, isOpen, isTerminal, wentLive } from '../../../../src/core/ledger/index.js';
import type { DeploymentState } from '../../../../src/core/ledger/types.js';
import { LedgerDouble } from '../plan/doubles.js';

const ALL: DeploymentState[] = ['queued', 'pending', 'in_progress', 'success', 'failure', 'error', 'inactive'];

describe('open and terminal statuses', () => {
  test('every state is either open or terminal, never both; no status at all is open', () => {
    expect(ALL.filter((state) => isOpen(state))).toEqual(['queued', 'pending', 'in_progress']);
    expect(ALL.filter((state) => isTerminal(state))).toEqual(['success', 'failure', 'error', 'inactive']);
    for (const state of ALL) expect(isOpen(state)).toBe(!isTerminal(state));
    expect(isOpen(undefined)).toBe(true);
    expect(isOpen(null)).toBe(true);
    expect(isTerminal(undefined)).toBe(false);
  });

  test('a version went live when it succeeded, or succeeded and was superseded (inactive)', () => {
    expect(ALL.filter((state) => wentLive(state))).toEqual(['success', 'inactive']);
    expect(wentLive(null)).toBe(false);
  });

  test('closeIfOpen writes on an open deployment and leaves a finished one alone', async () => {
    const ledger = new LedgerDouble();
    const open = ledger.seed('staging', { states: ['in_progress'] });
    const finished = ledger.seed('staging', { states: ['in_progress', 'failure'] });
    const status = { state: 'error' as const, description: 'the job ended' };
    await expect(closeIfOpen(ledger, open.id, status)).resolves.toEqual({ closed: true, found: 'in_progress' });
    await expect(closeIfOpen(ledger, finished.id, status)).resolves.toEqual({ closed: false, found: 'failure' });
    expect(ledger.statesOf(open.id)).toEqual(['in_progress', 'error']);
    expect(ledger.statesOf(finished.id)).toEqual(['in_progress', 'failure']);
  });
});
