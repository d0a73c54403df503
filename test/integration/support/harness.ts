// Whether the browser harness (test/harness/run-integration.ts) drives this run. The desktop runner
// (npm run test:desktop, @vscode/test-electron) has no browser to screenshot or click in, so tests
// that need it are skipped there and screenshots are not taken.
import { it } from 'mocha';
import { ENV } from '../../harness/protocol';

export const hasHarness = Boolean(process.env[ENV.artifacts]);

/** `it` when the harness can see and click the workbench, `it.skip` otherwise. */
export const itWithUi = hasHarness ? it : it.skip;
