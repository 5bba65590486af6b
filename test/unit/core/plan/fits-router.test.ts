import { describe, expect, test } from '@jest/globals';
import { checkPlanFitsRouter, loadPlan } from '../../../../src/core/plan/index.js';
import { createRouter } from '../../../../src/core/traffic/index.js';

// A plan is checked against its router before anything is written: a route the provider cannot
// express fails now, naming the plan line, rather than at step 4 with traffic on the canary.
// The routers below are real; the check never reaches their socket, file or cluster.

const HAPROXY = { socket: '/nonexistent/admin.sock', backend: 'app', stable: 'v1', canary: 'v2', routeAcl: '/etc/haproxy/canary.acl', routeHeader: 'x-canary' };
const INGRESS = { name: 'app-canary', host: 'app.example', canaryService: 'app-v2' };
const NGINX = { file: '/nonexistent/slipway.conf', stable: '127.0.0.1:8001', canary: '127.0.0.1:8002', pid: '/nonexistent/nginx.pid' };

function fits(provider: string, settings: Record<string, unknown>, steps: string): string {
  const plan = loadPlan(`router: {provider: ${provider}}\nsteps:\n${steps}`, 'plan.yml');
  try {
    checkPlanFitsRouter(plan.steps, createRouter(provider, settings));
    return 'fits';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('a plan against its router', () => {
  test('HAProxy routes only the header its ACL reads, and only values the runtime API can carry', () => {
    expect(fits('haproxy', HAPROXY, '  - setHeaderRoute: {name: canary-header, match: [{headerName: X-Canary, headerValue: {exact: beta}}]}\n  - setWeight: 10\n')).toBe('fits');
    expect(fits('haproxy', HAPROXY, '  - setWeight: 10\n  - setHeaderRoute: {name: canary-header, match: [{headerName: x-user, headerValue: {exact: beta}}]}\n')).toBe(
      "The plan does not fit the haproxy router; nothing was changed.\nplan line 4: steps[1].setHeaderRoute: The HAProxy route ACL matches the header 'x-canary', not header 'x-user'. Fix: route on 'x-canary', or set router.routeHeader to the header your haproxy.cfg ACL reads.",
    );
    expect(fits('haproxy', HAPROXY, "  - setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: 'a b'}}]}\n")).toMatch(/^The plan does not fit the haproxy router; nothing was changed\.\nplan line 3: steps\[0\]\.setHeaderRoute: A HAProxy route value must be visible ASCII characters without spaces.*\(got "a b"\)/);
  });

  test('a router without the capability is named at every step that needs it', () => {
    const { routeAcl: _acl, ...noAcl } = HAPROXY;
    expect(fits('haproxy', noAcl, '  - setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: beta}}]}\n  - setMirrorRoute: {name: mirror, percentage: 5}\n')).toBe(
      [
        'The plan does not fit the haproxy router; nothing was changed.',
        "plan line 3: steps[0].setHeaderRoute: The haproxy router cannot route by header, so the plan's `setHeaderRoute` step cannot run; remove it or use a provider with header routes.",
        "plan line 4: steps[1].setMirrorRoute: The haproxy router cannot mirror traffic, so the plan's `setMirrorRoute` step cannot run; remove it or use a provider that mirrors (nginx).",
      ].join('\n'),
    );
  });

  test('ingress-nginx takes one route at a time: a second one fails where it is set, unless the first was cleared', () => {
    expect(fits('ingress-nginx', INGRESS, '  - setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: beta}}]}\n  - setHeaderRoute: {name: canary-header, match: [{headerName: x-user, headerValue: {exact: qa}}]}\n')).toBe(
      'The plan does not fit the ingress-nginx router; nothing was changed.\nplan line 4: steps[1].setHeaderRoute: ingress-nginx allows one header or cookie route per canary Ingress: clear the route in force first.',
    );
    expect(fits('ingress-nginx', INGRESS, '  - setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: beta}}]}\n  - setHeaderRoute: {name: canary-header}\n  - setHeaderRoute: {name: canary-header, match: [{headerName: x-user, headerValue: {exact: qa}}]}\n')).toBe('fits');
    // The same header again replaces its route rather than adding one.
    expect(fits('ingress-nginx', INGRESS, '  - setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: beta}}]}\n  - setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: gamma}}]}\n')).toBe('fits');
    expect(fits('ingress-nginx', INGRESS, '  - setHeaderRoute: {name: canary-header, match: [{cookieName: session, cookieValue: {exact: beta}}]}\n')).toMatch(/cookie to the canary only when its value is 'always' \(got 'beta'\)/);
  });

  test('nginx refuses a header name its map variables cannot spell', () => {
    expect(fits('nginx', NGINX, '  - setHeaderRoute: {name: canary-header, match: [{headerName: x-canary, headerValue: {exact: beta}}]}\n  - setMirrorRoute: {name: mirror, percentage: 10}\n')).toBe('fits');
    expect(fits('nginx', NGINX, '  - setHeaderRoute: {name: canary-header, match: [{headerName: x_canary!, headerValue: {exact: beta}}]}\n')).toBe(
      "The plan does not fit the nginx router; nothing was changed.\nplan line 3: steps[0].setHeaderRoute: A header name has letters, digits and - only (got 'x_canary!').",
    );
  });
});
