// libsodium (WASM) is only needed for SecureTar v3. It is loaded on first use — when a v3 header is
// seen — never at import time: `import type` below is erased, the module comes from `import()`
// (in the extension's bundle, that import() loads dist/sodium.js; see scripts/build.mjs).
import type * as SodiumModule from 'libsodium-wrappers-sumo';

export type Sodium = typeof SodiumModule;

let loading: Promise<Sodium> | undefined;

/** Load and initialize libsodium-wrappers-sumo once. */
export function loadSodium(): Promise<Sodium> {
  loading ??= (async () => {
    const mod = (await import('libsodium-wrappers-sumo')) as unknown as Partial<Sodium> & { default?: Sodium };
    const sodium = (mod.default ?? mod) as Sodium;
    await sodium.ready;
    return sodium;
  })();
  // A failed load (missing package) is retried next time instead of being cached.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** For tests: has libsodium been loaded? */
export function sodiumRequested(): boolean {
  return loading !== undefined;
}
