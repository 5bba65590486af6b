export { parseSshSettings, type SshSettings } from './settings.js';
export { quoteForShell, remoteCommandLine } from './shell-quote.js';
export { SshError, SSH_KNOWN_HOSTS_INPUT, SSH_PRIVATE_KEY_INPUT } from './errors.js';
export { type SshCredentials } from './credentials.js';
export { type ForwardedSocket } from './forward.js';
export { SshTransport, openSshTransport, type RemoteRunOptions, type SshTransportOptions } from './transport.js';
