import { Blobs, type BlobOptions } from './blobs.js';
import { RegistryHttp, type RegistryHttpOptions } from './http.js';
import { Manifests } from './manifests.js';

/** Options of a `RegistryClient`: the HTTP options plus the blob chunk size. */
export type RegistryClientOptions = RegistryHttpOptions & BlobOptions;

/** An OCI distribution client for one registry (one set of credentials): blobs and manifests. */
export class RegistryClient {
  readonly http: RegistryHttp;
  readonly blobs: Blobs;
  readonly manifests: Manifests;

  constructor(options: RegistryClientOptions) {
    this.http = new RegistryHttp(options);
    this.blobs = new Blobs(this.http, options);
    this.manifests = new Manifests(this.http);
  }

  /** Host[:port] of the registry. */
  get registry(): string {
    return this.http.registry;
  }
}

/** A repository reached through a client. */
export interface RepositoryHandle {
  client: RegistryClient;
  repository: string;
}
