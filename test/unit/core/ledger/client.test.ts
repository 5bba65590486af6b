import { describe, expect, test } from '@jest/globals';
import { explainRequestError } from '../../../../src/core/ledger/index.js';

function requestError(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { status, response: { headers } });
}

describe('request errors', () => {
  test('"Resource not accessible by integration" names the permissions: entry the workflow needs', () => {
    const error = explainRequestError(requestError(403, 'Resource not accessible by integration'), 'Creating a deployment', 'deployments: write');
    expect(error.message).toBe(
      'Creating a deployment was refused by GitHub (403: Resource not accessible by integration). The token lacks a permission: add `permissions: deployments: write` to the job or workflow (and pass a token that has it).',
    );
  });

  test.each([
    ['deployments=write', '`permissions: deployments: write`'],
    ['contents=read,deployments=write; administration=write', '`permissions: {contents: read, deployments: write}`'],
  ])('the permission GitHub names in x-accepted-github-permissions (%s) wins', (header, expected) => {
    const error = explainRequestError(requestError(403, 'Resource not accessible by integration', { 'x-accepted-github-permissions': header }), 'Reading', 'actions: read');
    expect(error.message).toContain(expected);
  });

  test('a 404 for an integration is a permission problem too', () => {
    expect(explainRequestError(requestError(404, 'Resource not accessible by integration'), 'Reading', 'deployments: read').message).toContain('`permissions: deployments: read`');
  });

  test('a rate limit is not mistaken for a missing permission', () => {
    const error = explainRequestError(requestError(403, 'API rate limit exceeded for installation ID 1.'), 'Listing', 'deployments: read');
    expect(error.message).toBe('Listing failed: GitHub answered 403: API rate limit exceeded for installation ID 1.');
  });

  test('a request that got no answer says so without a status', () => {
    expect(explainRequestError(new Error('fetch failed'), 'Listing', 'deployments: read').message).toBe('Listing failed: fetch failed');
  });
});
