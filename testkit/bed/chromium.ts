import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): the
// browser reads JSON commands, each ended by a NUL byte, on its fd 3 and answers on its fd 4. A
// few commands are all the tests need (open a page, wait for its load, evaluate a script), so a
// small client here stands in for puppeteer and its browser download.

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** One headless browser with one page. `launch` starts it; `close` ends it and removes its profile. */
export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly loadWaiters: (() => void)[] = [];
  private sessionId = '';
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable;
    let buffered = Buffer.alloc(0);
    output.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
        this.receive(JSON.parse(buffered.subarray(0, end).toString('utf8')));
        buffered = buffered.subarray(end + 1);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    child.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`chromium exited (${code}): ${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Starts `binary` headless with a fresh profile, and opens a blank page. */
  static async launch(binary: string, viewport = { width: 1000, height: 800 }): Promise<HeadlessChromium> {
    const profile = mkdtempSync(join(tmpdir(), 'slipway-chromium-'));
    const args = ['--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', '--no-default-browser-check', '--remote-debugging-pipe', `--user-data-dir=${profile}`, `--window-size=${viewport.width},${viewport.height}`, 'about:blank'];
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const browser = new HeadlessChromium(child, profile);
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
    browser.sessionId = String(sessionId);
    await browser.send('Page.enable', {}, browser.sessionId);
    return browser;
  }

  /** Opens `url` in the page and resolves once its load event fired. */
  async open(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => this.loadWaiters.push(resolve));
    const { errorText } = await this.send('Page.navigate', { url }, this.sessionId);
    if (errorText) throw new Error(`chromium could not open ${url}: ${errorText}`);
    await loaded;
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON allows. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.sessionId)) as {
      result: { value: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  }

  /**
   * Ends the browser and removes its profile. Asked through the protocol first, the browser stops
   * its helper processes and stops writing the profile before it exits; a signal is the fallback.
   * Removing the profile retries, as a helper may still be flushing a file when the browser is gone.
   */
  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      await Promise.race([this.send('Browser.close', {}).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
      const stopped = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5000))]);
      if (!stopped) {
        this.child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }

  private send(method: string, params: Record<string, unknown>, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  private receive(message: { id?: number; method?: string; result?: Record<string, unknown>; error?: { message: string } }): void {
    if (message.method === 'Page.loadEventFired') this.loadWaiters.splice(0).forEach((resolve) => resolve());
    if (message.id === undefined) return;
    const waiter = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result ?? {});
  }
}
