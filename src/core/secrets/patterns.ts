import { MASK } from './mask.js';

// Credentials that have a recognisable shape are removed even when nobody registered them: a
// token a child process printed, a server echoing the Authorization header it was sent, a URL with
// `user:password@` in a registry's error text. Registered secrets are the first line of defence;
// these shapes are the second.

const SHAPES: [RegExp, string][] = [
  // PEM private keys (SSH, TLS), whole.
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, MASK],
  // GitHub tokens: personal, OAuth, user-to-server, server-to-server (GITHUB_TOKEN), refresh, fine-grained.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, MASK],
  // URL userinfo: scheme://user:password@host and scheme://token@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"`]+@(?!sha256:)/gi, `$1${MASK}@`],
  // Header lines whose value is a credential, as HTTP, curl -v or a server's echo prints them.
  [/\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|private-token|x-amz-security-token|dd-api-key|dd-application-key)(["']?\s*[:=]\s*["']?)[^\r\n"',}]+/gi, `$1$2${MASK}`],
  // An Authorization scheme and its credential anywhere else (a credential has a digit or a
  // symbol: "Basic credentials" in prose stays).
  [/\b(Bearer|Basic)\s+(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  // NAME=value for variables named like secrets (`env` output, shell traces).
  [/\b([A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|ACCESS_KEY)[A-Za-z0-9_]*)=("[^"\r\n]*"|'[^'\r\n]*'|[^\s"']+)/gi, `$1=${MASK}`],
];

/** `text` with every credential of a known shape replaced by `***`. */
export function scrubKnownShapes(text: string): string {
  let result = text;
  for (const [shape, replacement] of SHAPES) result = result.replace(shape, replacement);
  return result;
}
