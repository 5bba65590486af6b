import { describe, expect, test } from '@jest/globals';
import { describeSource, parseSourceSettings, resolveEnvReferences, withInputHeaders } from '../../../../src/core/metrics/source-settings.js';

const parse = (value: unknown) => parseSourceSettings(value, 'analysis.source');

describe('source settings', () => {
  test('each source type parses with its defaults', () => {
    expect(parse({ prometheus: { url: 'http://127.0.0.1:9090' } })).toEqual({ type: 'prometheus', delaySeconds: 0, url: 'http://127.0.0.1:9090', headers: {} });
    expect(parse({ prometheus: { url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1', sigv4: { region: 'eu-west-1' } } })).toMatchObject({ sigv4: { region: 'eu-west-1', service: 'aps' } });
    expect(parse({ datadog: {} })).toEqual({ type: 'datadog', delaySeconds: 60, site: 'datadoghq.com', apiKey: '{{env.DD_API_KEY}}', appKey: '{{env.DD_APP_KEY}}' });
    expect(parse({ datadog: { site: 'datadoghq.eu', apiKey: '{{ env.MY_DD_KEY }}' } })).toMatchObject({ site: 'datadoghq.eu', apiKey: '{{ env.MY_DD_KEY }}' });
    expect(parse({ cloudwatch: { region: 'eu-west-1' } })).toEqual({ type: 'cloudwatch', delaySeconds: 60, region: 'eu-west-1' });
    expect(parse({ cloudwatch: null })).toEqual({ type: 'cloudwatch', delaySeconds: 60 });
    expect(parse({ newrelic: { accountId: 1234567 } })).toEqual({ type: 'newrelic', delaySeconds: 60, accountId: 1234567, apiKey: '{{env.NEW_RELIC_API_KEY}}', region: 'us' });
    expect(parse({ web: { url: 'https://metrics.example.com/api/', jsonPath: '$.data.value', timeout: '5s' } })).toEqual({ type: 'web', delaySeconds: 0, url: 'https://metrics.example.com/api/', headers: {}, jsonPath: '$.data.value', timeoutMs: 5000 });
  });

  test.each([
    [{ influx: { url: 'http://x' } }, 'expected a mapping with one key, the source type (prometheus, web, datadog, cloudwatch, newrelic)'],
    [{ prometheus: { url: 'http://x' }, datadog: {} }, 'expected a mapping with one key'],
    [{ prometheus: { url: 'prometheus:9090' } }, 'analysis.source.prometheus: field url: expected an http(s) URL'],
    [{ datadog: { site: 'Datadog HQ' } }, 'field site: expected a Datadog site such as datadoghq.com'],
    [{ cloudwatch: { region: 'Ireland' } }, 'field region: expected an AWS region such as eu-west-1'],
    [{ cloudwatch: { regoin: 'eu-west-1' } }, 'unknown field regoin; a cloudwatch source has region, endpoint'],
    [{ newrelic: { accountId: '12ab' } }, 'field accountId: expected your New Relic account id (a whole number)'],
    [{ newrelic: { accountId: 1, region: 'apac' } }, 'field region: expected us or eu'],
    [{ web: { url: 'http://x', jsonPath: 'data.value' } }, 'field jsonPath: expected a JSONPath expression starting with $'],
    [{ web: { url: 'http://x', timeout: '1h' } }, 'field timeout'],
    [{ prometheus: { url: 'http://x', sigv4: { region: 'eu-west-1', servce: 'aps' } } }, 'field sigv4: expected {region: <AWS region>}'],
  ])('%j is refused: %s', (value, message) => {
    expect(() => parse(value)).toThrow(message);
  });

  test('delay: how long after an interval ends it is read; per-bucket sources wait a minute unless told', () => {
    expect(parse({ datadog: { delay: '2m' } })).toMatchObject({ delaySeconds: 120 });
    expect(parse({ prometheus: { url: 'http://x', delay: '15s' } })).toMatchObject({ delaySeconds: 15 });
    expect(parse({ newrelic: { accountId: 1, delay: 0 } })).toMatchObject({ delaySeconds: 0 });
    expect(() => parse({ cloudwatch: { delay: '1h' } })).toThrow('analysis.source.cloudwatch: field delay: expected a duration of at most 10m');
    expect(() => parse({ cloudwatch: { delay: 'soon' } })).toThrow('analysis.source.cloudwatch: field delay: expected');
  });

  test('a key written into the settings is refused without being repeated, with the fix', () => {
    const key = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    let message = '';
    try {
      parse({ datadog: { apiKey: key } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("field apiKey: expected a reference to the environment variable that holds it, e.g. '{{env.DD_API_KEY}}'");
    expect(message).toContain('DD_API_KEY: ${{ secrets.DD_API_KEY }}');
    expect(message).not.toContain(key);
  });

  test('header values may reference the environment, nothing else; a bad header never shows its value', () => {
    expect(parse({ web: { url: 'http://x', headers: { Authorization: 'Bearer {{env.METRICS_TOKEN}}' } } })).toMatchObject({ headers: { Authorization: 'Bearer {{env.METRICS_TOKEN}}' } });
    expect(() => parse({ web: { url: 'http://x', headers: { Authorization: 'Bearer {{secrets.TOKEN}}' } } })).toThrow('header Authorization: a {{…}} that is not {{env.NAME}}');
    expect(() => parse({ web: { url: 'http://x', headers: { 'Bad Name': 's3cret-value' } } })).toThrow(/field headers: expected a mapping of header names to text/);
    expect(() => parse({ web: { url: 'http://x', headers: { 'Bad Name': 's3cret-value' } } })).not.toThrow(/s3cret-value/);
  });

  test('references resolve from the environment, each value registered as a secret; an unset one names the variable and the fix', () => {
    const registered: string[] = [];
    expect(resolveEnvReferences('Bearer {{env.TOKEN}}', { TOKEN: 'tok-123' }, 'source web header Authorization', (s) => registered.push(s))).toBe('Bearer tok-123');
    expect(registered).toEqual(['tok-123']);
    expect(() => resolveEnvReferences('{{env.DD_API_KEY}}', {}, 'source datadog apiKey', () => undefined)).toThrow(
      'source datadog apiKey reads the environment variable DD_API_KEY, which is not set. Fix: give the step `env: {DD_API_KEY: ${{ secrets.DD_API_KEY }}}`.',
    );
  });

  test('the prometheus-headers input is laid over a Prometheus source and refused for any other', () => {
    const prometheus = parse({ prometheus: { url: 'http://x', headers: { 'X-Scope-OrgID': 'a' } } });
    expect(withInputHeaders(prometheus, { Authorization: 'Bearer t' }, 'prometheus-headers')).toMatchObject({ headers: { 'X-Scope-OrgID': 'a', Authorization: 'Bearer t' } });
    expect(() => withInputHeaders(parse({ datadog: {} }), { Authorization: 'Bearer t' }, 'prometheus-headers')).toThrow("Input 'prometheus-headers' sets headers of a Prometheus source, and the metric source is datadog");
    expect(withInputHeaders(parse({ datadog: {} }), {}, 'prometheus-headers')).toMatchObject({ type: 'datadog' });
  });

  test('a source is described without its credentials', () => {
    expect(describeSource(parse({ prometheus: { url: 'https://user:pw-123@prom.example.com' } }))).toBe('prometheus at https://prom.example.com');
    expect(describeSource(parse({ newrelic: { accountId: 42, region: 'eu' } }))).toBe('newrelic account 42 (eu)');
    expect(describeSource(parse({ cloudwatch: { region: 'eu-west-1' } }))).toBe('cloudwatch in eu-west-1');
  });
});
