/** Reports: markdown for job summaries and PR comments, Mermaid charts, status descriptions. */
export * from './markdown.js';
export * from './mermaid.js';
export * from './status.js';
