import { describe, expect, test } from '@jest/globals';
import { loadPlan } from '../../../../src/core/plan/index.js';
import { problemsOf } from './problems.js';

// setHeaderRoute and setMirrorRoute take Argo Rollouts' shape (docs/migrating-from-argo-rollouts.md):
// a route `name`, and for a header route a `match` of one exact header (or cookie) value.

const plan = (step: string) => `strategy: canary
router: {provider: nginx, file: /etc/nginx/conf.d/shop.conf, name: shop, stable: 127.0.0.1:8081, canary: 127.0.0.1:8082}
steps:
  - ${step}
`;
const stepOf = (step: string) => loadPlan(plan(step), 'plan.yml').steps[0];

describe("Argo Rollouts' route steps", () => {
  test('setHeaderRoute: a header, a cookie, or with the name alone the route removed', () => {
    expect(stepOf("setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: always}}]}")).toEqual({ kind: 'setHeaderRoute', name: 'canary-header', route: { name: 'x-canary', value: 'always' }, line: 4 });
    expect(stepOf("setHeaderRoute: {name: beta, match: [{cookieName: group, cookieValue: {exact: 'beta'}}]}")).toMatchObject({ route: { name: 'group', value: 'beta', kind: 'cookie' } });
    expect(stepOf('setHeaderRoute: {name: canary-header}')).toMatchObject({ kind: 'setHeaderRoute', name: 'canary-header', route: null });
    expect(stepOf('setHeaderRoute: {name: canary-header, match: []}')).toMatchObject({ route: null });
  });

  test('setMirrorRoute: a percentage, or with the name alone the mirror removed', () => {
    expect(stepOf('setMirrorRoute: {name: mirror-route, percentage: 35}')).toEqual({ kind: 'setMirrorRoute', name: 'mirror-route', percentage: 35, line: 4 });
    expect(stepOf('setMirrorRoute: {name: mirror-route}')).toMatchObject({ percentage: 0 });
  });

  test.each([
    ['the shape before Argo’s', 'setHeaderRoute: {name: x-canary, value: always}', "plan.yml line 4: steps[0].setHeaderRoute: {\"name\":\"x-canary\",\"value\":\"always\"} is the old shape: write Argo Rollouts' `setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: always}}]}`"],
    ['no route name', 'setHeaderRoute: {match: [{headerName: x-canary, headerValue: {exact: always}}]}', 'has no route name: write e.g. `setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: always}}]}`'],
    ['a prefix match', 'setHeaderRoute: {name: h, match: [{headerName: x-canary, headerValue: {prefix: al}}]}', "steps[0].setHeaderRoute.match[0].headerValue: Slipway's routers match exact values only"],
    ['a regex match', 'setHeaderRoute: {name: h, match: [{headerName: x-canary, headerValue: {regex: "al.*"}}]}', "Slipway's routers match exact values only"],
    ['two matches', 'setHeaderRoute: {name: h, match: [{headerName: a, headerValue: {exact: "1"}}, {headerName: b, headerValue: {exact: "2"}}]}', "steps[0].setHeaderRoute.match: 2 matches: Slipway's routers route on one header or cookie; give one"],
    ['a misspelt field', 'setHeaderRoute: {name: h, match: [{headerNmae: a, headerValue: {exact: "1"}}]}', 'steps[0].setHeaderRoute.match[0].headerNmae: unknown field; expected one of headerName, headerValue'],
    ['a mirror match', 'setMirrorRoute: {name: m, percentage: 10, match: [{method: {exact: GET}}]}', "steps[0].setMirrorRoute.match: Slipway's routers mirror a share of all requests"],
    ['a mirror percentage out of range', 'setMirrorRoute: {name: m, percentage: 150}', 'steps[0].setMirrorRoute.percentage: 150 is not a whole number from 0 to 100'],
    ['the mirror step before Argo’s', 'mirror: 10', 'steps[0]: expected one of `setWeight:`, `pause:`, `analysis:`, `setHeaderRoute:`, `setMirrorRoute:`'],
  ])('%s is refused at its line with the fix', (_name, step, message) => {
    expect(problemsOf(plan(step))).toContain(message);
  });
});
