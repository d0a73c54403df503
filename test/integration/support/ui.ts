// Asks the harness (which drives the browser showing the workbench) to act the way a person would:
// click the "Delete" button of a modal confirmation, hover a tree row, widen the side bar. The
// request travels as a console line through the workbench's automation log (protocol in
// test/harness/protocol.ts); the harness answers by writing a marker file.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { ENV, uiAnswerFiles, uiRequestLine, type UiRequest, type WebviewAnswer } from '../../harness/protocol';

/** A request without its id (each gets a fresh one). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type UiAction = WithoutId<UiRequest>;

let counter = 0;
/**
 * Each test file is its own bundle with its own counter: without this part the files' ids coincide, and
 * a later file's request found an earlier one's answer (a webview reading got "ok" back at once).
 */
const BUNDLE = randomBytes(4).toString('hex');

/** Resolves with the harness's answer: `ok`, or what a reading request read. */
async function request(action: UiAction, what: string, timeoutMs = 20_000): Promise<string> {
  const artifacts = process.env[ENV.artifacts];
  if (!artifacts) throw new Error(`${ENV.artifacts} is not set: run through test/harness/run-integration.ts`);
  const id = `${process.pid}-${BUNDLE}-${++counter}`;
  const answer = uiAnswerFiles(artifacts, id);
  console.log(uiRequestLine({ id, ...action }));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(answer.done)) return fs.readFileSync(answer.done, 'utf8');
    if (fs.existsSync(answer.error)) throw new Error(`the harness could not ${what}: ${fs.readFileSync(answer.error, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the harness did not ${what} within ${timeoutMs} ms`);
}

/**
 * Clicks the first visible button named `text` in a dialog or notification. When `screenshotName`
 * is given, the harness takes that screenshot first (to see what the person sees before the click).
 */
export async function clickButton(text: string, screenshotName?: string): Promise<void> {
  await request({ action: 'click', text, screenshot: screenshotName }, `click "${text}"`);
}

/** Hovers the tree row whose text contains `text`, waits for the hover, then takes the screenshot. */
export async function hoverRow(text: string, screenshotName?: string): Promise<void> {
  await request({ action: 'hover', text, screenshot: screenshotName }, `hover "${text}"`);
}

/** Clicks the tree row labelled exactly `text` (expands or collapses it, or opens its file); the screenshot is taken after. */
export async function clickRow(text: string, screenshotName?: string): Promise<void> {
  await request({ action: 'clickRow', text, screenshot: screenshotName }, `click row "${text}"`);
}

/** Types text into the focused input (e.g. a password box). */
export async function typeText(text: string): Promise<void> {
  await request({ action: 'type', text }, 'type text');
}

/** Makes the primary side bar `width` pixels wide. */
export async function setSidebarWidth(width: number): Promise<void> {
  await request({ action: 'sidebarWidth', width }, 'resize the side bar');
}

/** Presses keys (Playwright names: 'Enter', 'ArrowDown', …) in the focused part of the workbench. */
export async function pressKeys(keys: string[], screenshotName?: string): Promise<void> {
  await request({ action: 'press', keys, screenshot: screenshotName }, `press ${keys.join(', ')}`);
}

/**
 * Reads the elements matching `select` in the first webview that has one (the workbench nests a webview's
 * page in two iframes, out of the extension host's reach), and which element has the focus. With `focus`,
 * that element is focused first and `keys` are pressed in it.
 */
export async function readWebview(select: string, options: { focus?: string; keys?: string[]; screenshot?: string } = {}): Promise<WebviewAnswer> {
  const answer = await request({ action: 'webview', select, ...options, timeoutMs: 30_000 }, `read the webview's "${select}"`, 40_000);
  return JSON.parse(answer) as WebviewAnswer;
}

/** Focuses the element matching `focus` in the first webview that has one and presses `keys` there (e.g. Enter on a button). */
export async function pressInWebview(focus: string, keys: string[]): Promise<void> {
  await request({ action: 'webview', select: focus, focus, keys, read: false, timeoutMs: 30_000 }, `press ${keys.join(', ')} in the webview's "${focus}"`, 40_000);
}
