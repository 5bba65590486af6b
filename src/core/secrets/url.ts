import { secrets } from './registry.js';

/** A URL with any `user:password@` taken out, and the credentials it held. */
export interface SplitUrl {
  /** The URL without userinfo: safe to print. */
  url: string;
  credentials?: { username: string; password: string };
}

/**
 * Takes the userinfo out of a URL (`https://user:pass@prometheus.example`) and registers it as a
 * secret, so the URL can be printed and the credentials travel only in an Authorization header.
 * Text that is not a URL is returned as is.
 */
export function splitUrlCredentials(text: string): SplitUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { url: text };
  }
  if (url.username === '' && url.password === '') return { url: text };
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  secrets.add(url.password === '' ? username : password);
  secrets.addBasicCredentials(username, password);
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, text.endsWith('/') ? '/' : ''), credentials: { username, password } };
}
