// The harness's own output: every line it prints about itself carries `[harness <seconds>s]`, the
// time since the harness started, so a slow step stands out next to the test output it interleaves
// with. One module, so every part of the harness counts from the same start.
const started = Date.now();

export function stamp(): string {
  return `[harness ${((Date.now() - started) / 1000).toFixed(1)}s]`;
}

export function log(...parts: unknown[]): void {
  console.log(stamp(), ...parts);
}

/** The message of a thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The first line of an error's message (Playwright's messages go on with a call log). */
export function firstLine(e: unknown): string {
  return errorMessage(e).split('\n')[0]!;
}
