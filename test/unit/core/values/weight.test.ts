import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors.js';
import { loadPlan, PlanError } from '../../../../src/core/plan/index.js';
import { checkWeight, SpecRouter, STABLE_ONLY, type RouteSpec } from '../../../../src/core/traffic/index.js';
import { parseWeight, ValueError } from '../../../../src/core/values/index.js';

/** The routers' shared base (haproxy, nginx, gateway-api, istio, smi, ingress-nginx), kept in memory. */
class MemoryRouter extends SpecRouter {
  readonly type = 'memory';
  spec: RouteSpec = STABLE_ONLY;
  constructor() {
    super({ headerRoutes: true, mirror: true });
  }
  protected async read() {
    return this.spec;
  }
  protected async write(next: RouteSpec) {
    this.spec = next;
  }
  protected render(spec: RouteSpec) {
    return spec;
  }
  protected detail() {
    return {};
  }
}

/** The plan's step value, or the PlanError's message. */
function planValue(step: string): number | string {
  try {
    const [parsed] = loadPlan(`router: {provider: haproxy}\nsteps:\n  - ${step}\n`, 'plan.yml').steps;
    return parsed.kind === 'setWeight' ? parsed.weight : parsed.kind === 'setMirrorRoute' ? parsed.percentage : NaN;
  } catch (error) {
    if (error instanceof PlanError) return error.message;
    throw error;
  }
}

describe('weight', () => {
  test.each([
    [0, 0],
    [25, 25],
    [100, 100],
    ['25', 25],
    [' 25 ', 25],
    ['25%', 25],
    [12.0, 12],
  ])('%p is the weight %p', (value, weight) => {
    expect(parseWeight(value)).toBe(weight);
  });

  test.each([
    [12.5, 'routers take whole percents: use 12 or 13'],
    ['12.5%', 'routers take whole percents: use 12 or 13'],
    [150, '0 sends the canary nothing and 100 sends it everything'],
    [-1, '0 sends the canary nothing and 100 sends it everything'],
    ['half', 'write the percent of traffic as a number, e.g. 25'],
    [Number.NaN, 'write the percent of traffic as a number, e.g. 25'],
    [Infinity, 'write the percent of traffic as a number, e.g. 25'],
    [null, 'write the percent of traffic as a number, e.g. 25'],
    [true, 'write the percent of traffic as a number, e.g. 25'],
  ])('%p is refused with the fix %p', (value, fix) => {
    const error = (() => {
      try {
        parseWeight(value);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValueError);
    expect(error).toMatchObject({ value, expected: 'a whole number from 0 to 100', fix });
  });

  test('a router names the input it was called for, as an InputError', () => {
    expect(() => checkWeight(12.5, 'mirror-percentage')).toThrow(
      new InputError('mirror-percentage', 12.5, 'a whole number from 0 to 100', 'routers take whole percents: use 12 or 13'),
    );
  });

  test('a plan names the line and the step: `setWeight: 12.5` is refused at validation', () => {
    expect(planValue('setWeight: 12.5')).toBe('plan.yml line 3: steps[0].setWeight: 12.5 is not a whole number from 0 to 100. Fix: routers take whole percents: use 12 or 13');
    expect(planValue('setMirrorRoute: {name: mirror, percentage: 2.5}')).toBe('plan.yml line 3: steps[0].setMirrorRoute.percentage: 2.5 is not a whole number from 0 to 100. Fix: routers take whole percents: use 2 or 3');
  });

  const weights = fc.oneof(fc.integer({ min: -50, max: 150 }), fc.double({ min: -50, max: 150, noNaN: true }), fc.constantFrom(Infinity, -Infinity));

  test('every weight the plan validator accepts for setWeight, every router accepts; every weight it refuses, every router refuses', async () => {
    await fc.assert(
      fc.asyncProperty(weights, async (weight) => {
        const inPlan = planValue(`setWeight: ${weight}`);
        const router = new MemoryRouter();
        const routed = await router.setCanaryWeight(weight).then((state) => state.canaryWeight, () => 'refused');
        const checked = (() => {
          try {
            return checkWeight(weight);
          } catch {
            return 'refused';
          }
        })();
        if (typeof inPlan === 'number') {
          expect(routed).toBe(inPlan);
          expect(checked).toBe(inPlan);
        } else {
          expect([routed, checked]).toEqual(['refused', 'refused']);
        }
      }),
    );
  });

  test('every mirrored share the plan validator accepts, the mirroring routers accept, and only those', async () => {
    await fc.assert(
      fc.asyncProperty(weights, async (percent) => {
        const inPlan = planValue(`setMirrorRoute: {name: mirror, percentage: ${percent}}`);
        const routed = await new MemoryRouter().setMirror!(percent).then((state) => state.mirrorPercentage, () => 'refused');
        expect(routed).toBe(typeof inPlan === 'number' ? inPlan : 'refused');
      }),
    );
  });
});
