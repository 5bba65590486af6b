// The ES module face of index.cjs (the toolkit both imports and requires undici): one ProxyAgent class for both.
import undici from './index.cjs';

export const { ProxyAgent, fetch } = undici;
