// The archive reader (and, through it, libsodium for SecureTar v3) is needed only when a person
// looks inside a backup or verifies one, so it is loaded on first use, not at activation.
import type * as Archive from '../../core/archive';

export type ArchiveModule = typeof Archive;

let loading: Promise<ArchiveModule> | undefined;

export function loadArchive(): Promise<ArchiveModule> {
  // A require, not import(): the extension is CommonJS. In the bundle the reader's code is part of
  // extension.js and is evaluated when this require runs; the packages it reads with are chunks loaded
  // on first use (dist/tar-stream.js, and dist/sodium.js for SecureTar v3 only; see scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loading ??= Promise.resolve().then(() => require('../../core/archive') as ArchiveModule);
  return loading;
}
