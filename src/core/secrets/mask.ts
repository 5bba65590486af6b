/** What replaces a secret in text. */
export const MASK = '***';
