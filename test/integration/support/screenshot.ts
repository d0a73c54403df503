// Screenshots of the workbench, taken by the harness (test/harness/requests.ts): the extension host
// cannot see the browser, so a test logs `HA-SCREENSHOT <name>`, the harness saves the page to
// $HA_TEST_ARTIFACTS/<name>.png and then writes <name>.png.done ("ok" or "error: …").
import * as fs from 'node:fs';
import { ENV, SCREENSHOT_NAME, screenshotFiles, screenshotRequestLine } from '../../harness/protocol';

const TIMEOUT_MS = 15000;
// The workbench gets the extension host's updates (view message, status bar) asynchronously: let them arrive.
const SETTLE_MS = 300;

/**
 * Asks the harness for a screenshot of the whole workbench; resolves with the path of the png, or
 * with undefined in a run without the browser harness (the desktop runner).
 */
export async function screenshot(name: string): Promise<string | undefined> {
  const dir = process.env[ENV.artifacts];
  if (!dir) return undefined;
  if (!SCREENSHOT_NAME.test(name)) {
    throw new Error(`invalid screenshot name "${name}" (use letters, digits, ".", "_" and "-")`);
  }
  const { png, done } = screenshotFiles(dir, name);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  fs.rmSync(done, { force: true });
  console.log(screenshotRequestLine(name));
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (fs.existsSync(done)) {
      const answer = fs.readFileSync(done, 'utf8').trim();
      if (answer.startsWith('error')) {
        throw new Error(`screenshot "${name}" failed: ${answer}`);
      }
      return png;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`screenshot "${name}" was not taken within ${TIMEOUT_MS / 1000}s (is the harness running?)`);
}
