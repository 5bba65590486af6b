export { MASK } from './mask.js';
export { SecretRegistry, secrets, registerSecret, redact } from './registry.js';
export { scrubKnownShapes } from './patterns.js';
export { splitUrlCredentials, type SplitUrl } from './url.js';
export { quote } from './quote.js';
