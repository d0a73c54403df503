// The contract between the harness (run-integration.ts and its modules, running in Node outside VS
// Code) and the code that runs inside the extension host (test/integration/index.ts and support/*).
// Both sides import it, so a name, a file name or a line format is written down once, here. It
// must stay free of `vscode` and of Node-only imports: esbuild bundles it into the test files too.

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
  /** Optional mocha grep pattern (harness flag --grep; also read by the harness itself). */
  grep: 'HA_TEST_GREP',
  /** '1' when the harness opened the workspace in Restricted Mode (flag --untrusted): only `@untrusted` tests run. */
  untrusted: 'HA_TEST_UNTRUSTED',
  /** The display language of the run's VS Code (flag --locale, e.g. `de`): only `@locale` tests run (unless --grep says otherwise). */
  locale: 'HA_TEST_LOCALE',
} as const;

/** The environment the harness gives the extension host (see ENV). */
export type TestEnvironment = Partial<Record<(typeof ENV)[keyof typeof ENV], string>>;

/** The content of an answer file that reports success. */
export const ANSWER_OK = 'ok';

/**
 * A console line `HA-SCREENSHOT <name>` from the extension host asks the harness to save the page
 * to `$HA_TEST_ARTIFACTS/<name>.png`; it then writes `<name>.png.done` containing `ok` or `error: …`.
 */
export const SCREENSHOT_PREFIX = 'HA-SCREENSHOT';
export const SCREENSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The png of screenshot `name` and its answer file (absolute paths inside the artifacts folder). */
export function screenshotFiles(artifactsDir: string, name: string): { png: string; done: string } {
  const png = `${artifactsDir}/${name}.png`;
  return { png, done: `${png}.done` };
}

/** The console line that asks for screenshot `name`. */
export function screenshotRequestLine(name: string): string {
  return `${SCREENSHOT_PREFIX} ${name}`;
}

/**
 * A console line `HA-UI <json UiRequest>` (test/integration/support/ui.ts) asks the harness to act on
 * the workbench in the browser, which the extension host cannot do itself (e.g. press the button of
 * a modal dialog). Requests are handled one at a time, in order, together with screenshot requests.
 * With `screenshot`, the page is saved to `$HA_TEST_ARTIFACTS/<screenshot>.png` before acting.
 * The harness answers with `$HA_TEST_ARTIFACTS/.ui-<id>.done`, or `.ui-<id>.error` holding the reason.
 * - click: the first visible button labelled exactly `text`: a modal dialog's, then a notification's, then any.
 * - hover: the first list/tree row whose text contains `text`; waits `waitMs` (1500) so the hover shows,
 *   then takes the screenshot (after, not before, acting).
 * - clickRow: the first list/tree row whose label is exactly `text` (expands a folder, opens a file);
 *   waits `waitMs` (500), then takes the screenshot (after acting).
 * - sidebarWidth: drags the primary side bar's edge so it is `width` pixels wide.
 * - press: keys in order, Playwright names ('Enter', 'Escape', 'ArrowDown', 'Control+A').
 * - type:  `text` typed into the focused element (an input box, a quick pick).
 * - webview: reads a webview's page (the workbench nests it: `iframe.webview`, then its `#active-frame`):
 *   the first webview that has an element matching `select`; with `focus`, focuses that element first and
 *   presses `keys` in it. The answer file then holds a WebviewAnswer (JSON) instead of `ok`; with `read: false`
 *   nothing is read after the keys (they may close the webview), and the answer is `ok`.
 * `timeoutMs` (default 10 s, at most 120 s) bounds finding the element.
 * The harness makes the workbench show modal dialogs and notification toasts, which VS Code hides in
 * extension tests (see test/harness/workbench.ts).
 */
export const UI_PREFIX = 'HA-UI';
/** What a request id may contain (it becomes part of a file name). */
export const UI_ID = /^[A-Za-z0-9_-]+$/;
export const UI_DEFAULT_TIMEOUT_MS = 10_000;
export const UI_MAX_TIMEOUT_MS = 120_000;

export type UiRequest =
  | { id: string; action: 'click'; text: string; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'hover'; text: string; waitMs?: number; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'clickRow'; text: string; waitMs?: number; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'sidebarWidth'; width: number; timeoutMs?: number }
  | { id: string; action: 'press'; keys: string[]; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'type'; text: string; screenshot?: string; timeoutMs?: number }
  | { id: string; action: 'webview'; select: string; focus?: string; keys?: string[]; read?: boolean; screenshot?: string; timeoutMs?: number };

/** An element of a webview as the harness read it. */
export interface WebviewElement {
  tag: string;
  text: string;
  attributes: Record<string, string>;
}

/** What a `webview` request answers: the elements matching `select` (after the keys), and the focused element. */
export interface WebviewAnswer {
  elements: WebviewElement[];
  active: WebviewElement | null;
}

/** The console line that sends `request`. */
export function uiRequestLine(request: UiRequest): string {
  return `${UI_PREFIX} ${JSON.stringify(request)}`;
}

/** The answer files of request `id` (absolute paths inside the artifacts folder). */
export function uiAnswerFiles(artifactsDir: string, id: string): { done: string; error: string } {
  return { done: `${artifactsDir}/.ui-${id}.done`, error: `${artifactsDir}/.ui-${id}.error` };
}

/** Answer files start with this; the harness removes them after a run (unless --keep). */
export const UI_ANSWER_FILE_PREFIX = '.ui-';

const SCREENSHOT_LINE = new RegExp(`${SCREENSHOT_PREFIX} ([^\\s"'\\\\]+)`);
const UI_LINE = new RegExp(`${UI_PREFIX} (\\{.*\\})`);

/**
 * The request a line of extension-host console output carries, if any. The JSON of a UI request is
 * returned unparsed: the harness checks it (the line may come from anywhere in the extension host).
 */
export function parseRequestLine(text: string): { kind: 'screenshot'; name: string } | { kind: 'ui'; json: string } | undefined {
  const shot = SCREENSHOT_LINE.exec(text);
  if (shot) return { kind: 'screenshot', name: shot[1]! };
  const ui = UI_LINE.exec(text);
  if (ui) return { kind: 'ui', json: ui[1]! };
  return undefined;
}

/** Written by run() to $VSCT_RESULTS; the harness prints `N passed, N failed[, N skipped]` from it. */
export interface RunSummary {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
  /** `log`: the extension's log lines written during the failed test. */
  failed: { title: string; error: string; log?: string }[];
  vscodeVersion: string;
  durationMs: number;
}
