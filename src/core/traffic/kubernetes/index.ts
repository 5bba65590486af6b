export * from './kubectl.js';
export * from './gateway-api.js';
export * from './istio.js';
export * from './smi.js';
export * from './ingress-nginx.js';
