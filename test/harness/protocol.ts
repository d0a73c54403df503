// The contract between the harness (run-integration.mjs, plain JS: it repeats these values) and
// the code that runs inside the extension host (test/integration/index.ts and support/*).

/** Environment variables the harness sets for the extension host. */
export const ENV = {
  /** Supervisor emulator base URL, e.g. http://127.0.0.1:40123 */
  emulatorUrl: 'HA_EMULATOR_URL',
  /** Token the emulator accepts. */
  emulatorToken: 'HA_EMULATOR_TOKEN',
  /** The emulator's --data directory. */
  emulatorData: 'HA_EMULATOR_DATA',
  /** Absolute path of the repo's test-artifacts/ folder, emptied at the start of each run. */
  artifacts: 'HA_TEST_ARTIFACTS',
  /** Where run() writes its RunSummary as JSON. */
  results: 'VSCT_RESULTS',
  /** Optional mocha grep pattern (harness flag --grep). */
  grep: 'HA_TEST_GREP',
  /** '1' when the harness opened the workspace in Restricted Mode (flag --untrusted): only `@untrusted` tests run. */
  untrusted: 'HA_TEST_UNTRUSTED',
} as const;

/**
 * A console line `HA-SCREENSHOT <name>` from the extension host asks the harness to save the page
 * to `$HA_TEST_ARTIFACTS/<name>.png`; it then writes `<name>.png.done` containing `ok` or `error: …`.
 */
export const SCREENSHOT_PREFIX = 'HA-SCREENSHOT';
export const SCREENSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A console line `HA-UI <json UiRequest>` (test/integration/support/ui.ts) asks the harness to act on
 * the workbench in the browser, which the extension host cannot do itself (e.g. press the button of
 * a modal dialog). Requests are handled one at a time, in order, together with screenshot requests.
 * With `screenshot`, the page is saved to `$HA_TEST_ARTIFACTS/<screenshot>.png` before acting.
 * The harness answers with `$HA_TEST_ARTIFACTS/.ui-<id>.done`, or `.ui-<id>.error` holding the reason.
 * - click: the first visible button labelled exactly `text`: a modal dialog's, then a notification's, then any.
 * - hover: the first list/tree row whose text contains `text`; waits `waitMs` (1500) so the hover shows,
 *   then takes the screenshot (after, not before, acting).
 * - sidebarWidth: drags the primary side bar's edge so it is `width` pixels wide.
 * - press: keys in order, Playwright names ('Enter', 'Escape', 'ArrowDown', 'Control+A').
 * - type:  `text` typed into the focused element (an input box, a quick pick).
 * The harness makes the workbench show modal dialogs and notification toasts, which VS Code hides in
 * extension tests (see run-integration.mjs).
 */
export const UI_PREFIX = 'HA-UI';

export type UiRequest =
  | { id: string; action: 'click'; text: string; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'hover'; text: string; waitMs?: number; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'sidebarWidth'; width: number; timeoutMs?: number }
  | { id: string; action: 'press'; keys: string[]; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'type'; text: string; screenshot?: string; timeoutMs?: number };

/** The answer files of request `id` (absolute paths inside the artifacts folder). */
export function uiAnswerFiles(artifactsDir: string, id: string): { done: string; error: string } {
  return { done: `${artifactsDir}/.ui-${id}.done`, error: `${artifactsDir}/.ui-${id}.error` };
}

/** Written by run() to $VSCT_RESULTS; the harness prints `N passed, N failed[, N skipped]` from it. */
export interface RunSummary {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
  failed: { title: string; error: string }[];
  vscodeVersion: string;
  durationMs: number;
}
