// What the extension host says to the harness. Its console output reaches the harness through the
// workbench (window.codeAutomationLog); some lines are requests the tests make because they cannot
// see or touch the browser (protocol.ts): a screenshot, or a UI action such as clicking the button
// of a modal dialog. Requests are handled one at a time, in arrival order, and answered through
// files in the artifacts folder; every other line is printed, without the workbench's own noise
// unless --verbose.
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ANSWER_OK, parseRequestLine, SCREENSHOT_NAME, screenshotFiles, UI_DEFAULT_TIMEOUT_MS, UI_ID, UI_MAX_TIMEOUT_MS, uiAnswerFiles, type WebviewAnswer } from './protocol';
import { errorMessage, firstLine, log } from './log';
import { sleep } from './processes';

// Workbench lines that are not test output (hidden unless --verbose).
const NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin|Updating additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\])/;
// Benign lines of any level: errors logged while the extension host shuts down and the workbench
// still queries it, and slow-startup warnings on a busy machine.
const ANY_NOISE = /^(Canceled: Canceled|Creation of workbench contribution .* took \d+ms)/;

/** Writes an answer file so that the extension host never reads it half-written. */
function writeAnswer(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the harness reads of a page's element (it has no DOM types). */
interface PageElement {
  tagName: string;
  textContent: string | null;
  attributes: ArrayLike<{ name: string; value: string }>;
  ownerDocument: { activeElement: PageElement | null; body: PageElement | null };
}

/** A UI request as it arrives: checked for an id, the rest read field by field (see protocol.ts UiRequest). */
type IncomingUiRequest = Record<string, unknown> & { id: string };

export class ExtensionHostChannel {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly page: Page,
    /** The artifacts folder ($HA_TEST_ARTIFACTS). */
    private readonly artifacts: string,
    /** Screenshot paths are logged relative to this folder. */
    private readonly repo: string,
    private readonly verbose: boolean,
  ) {}

  /** window.codeAutomationLog(type, args): one console call of the extension host. */
  onLog(type: string, args: unknown): void {
    if (this.closed) return;
    const parts: unknown[] = Array.isArray(args) ? args : [args];
    const text = parts.map(String).join(' ');
    const request = parseRequestLine(text);
    if (request?.kind === 'screenshot') this.requestScreenshot(request.name);
    else if (request?.kind === 'ui') this.requestUi(request.json);
    if (request && !this.verbose) return;
    if (!this.verbose && ((type === 'info' && NOISE.test(text)) || ANY_NOISE.test(text))) return;
    const method = (console as unknown as Record<string, unknown>)[type];
    const print = typeof method === 'function' ? (method as (...a: unknown[]) => void) : console.log;
    print(...parts);
  }

  /** Accepts no more requests; the ones under way finish quietly. Resolves when they did, or after `ms`. */
  async close(ms: number): Promise<void> {
    this.closed = true;
    await Promise.race([this.queue, sleep(ms)]);
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch((e: unknown) => log('request failed:', errorMessage(e)));
  }

  private async savePage(name: string): Promise<string> {
    if (!SCREENSHOT_NAME.test(name)) throw new Error(`invalid screenshot name "${name}"`);
    const { png } = screenshotFiles(this.artifacts, name);
    await this.page.screenshot({ path: png, animations: 'disabled' }); // finish fade-ins (toasts) first
    log(`screenshot ${path.relative(this.repo, png)}`);
    return png;
  }

  /** `HA-SCREENSHOT <name>`: save the page, then answer with <name>.png.done. */
  private requestScreenshot(name: string): void {
    this.enqueue(async () => {
      let answer = ANSWER_OK;
      try {
        await this.savePage(name);
      } catch (e) {
        answer = `error: ${errorMessage(e)}`;
        log(`screenshot ${name} failed: ${errorMessage(e)}`);
      }
      writeAnswer(screenshotFiles(this.artifacts, name).done, answer);
    });
  }

  /** `HA-UI <json>`: act on the workbench, then answer with .ui-<id>.done or .ui-<id>.error. */
  private requestUi(json: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      log(`ignoring malformed UI request: ${json.slice(0, 200)}`);
      return;
    }
    const req = parsed as Record<string, unknown>;
    if (!UI_ID.test(String(req.id))) {
      log(`ignoring UI request without a valid id: ${json.slice(0, 200)}`);
      return;
    }
    const id = String(req.id);
    this.enqueue(async () => {
      let error: string | null = null;
      let result: string | void = undefined;
      try {
        result = await this.act({ ...req, id });
      } catch (e) {
        error = firstLine(e);
        if (!this.closed) log(`UI request ${String(req.action)} failed: ${error}`);
      }
      const answer = uiAnswerFiles(this.artifacts, id);
      writeAnswer(error === null ? answer.done : answer.error, error ?? result ?? ANSWER_OK);
    });
  }

  /** Acts; a request that reads something returns its answer (JSON), the others nothing. */
  private async act(req: IncomingUiRequest): Promise<string | void> {
    const page = this.page;
    const timeoutMs = Math.min(Number(req.timeoutMs) || UI_DEFAULT_TIMEOUT_MS, UI_MAX_TIMEOUT_MS);
    const text = String(req.text);
    // The screenshot a request asks for: before a click, a key press or typing (what the person sees
    // when deciding), after a hover or a row click (what it shows).
    const takeScreenshot = async (): Promise<void> => {
      if (req.screenshot) await this.savePage(typeof req.screenshot === 'string' ? req.screenshot : JSON.stringify(req.screenshot));
    };
    switch (req.action) {
      case 'click': {
        const label = String(req.text ?? req.label);
        const button = await findButton(page, label, timeoutMs);
        await takeScreenshot();
        try {
          await button.click({ timeout: timeoutMs });
        } catch (e) {
          // A modal dialog that opened meanwhile (over a toast's button of the same label) would stay open
          // and block every later test: closed as Escape closes it (its Cancel).
          if (await page.locator('.monaco-dialog-box').isVisible()) await page.keyboard.press('Escape');
          throw e;
        }
        log(`clicked "${label}"`);
        return;
      }
      case 'hover': {
        // A tree row (or anything) whose visible text contains `text`; the hover then has time to show.
        const target = page.locator('.monaco-list-row', { hasText: text }).first();
        await target.hover({ timeout: timeoutMs });
        await sleep(Number(req.waitMs) || 1500);
        await takeScreenshot();
        log(`hovered "${text}"`);
        return;
      }
      case 'clickRow': {
        // A tree row whose label is exactly `text` (clicking it expands a folder or opens a file).
        const row = page.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) }).first();
        await row.click({ timeout: timeoutMs });
        await sleep(Number(req.waitMs) || 500);
        await takeScreenshot();
        log(`clicked row "${text}"`);
        return;
      }
      case 'sidebarWidth':
        await setSidebarWidth(page, Number(req.width), timeoutMs);
        log(`side bar width set to ${String(req.width)}`);
        return;
      case 'press': {
        if (!Array.isArray(req.keys)) throw new Error('a press request needs a list of keys');
        const keys = req.keys.map(String);
        await takeScreenshot();
        for (const key of keys) await page.keyboard.press(key);
        log(`pressed ${keys.join(', ')}`);
        return;
      }
      case 'type':
        await takeScreenshot();
        await page.keyboard.type(text, { delay: 10 });
        log('typed text');
        return;
      case 'webview': {
        const frame = await webviewWith(page, String(req.select), timeoutMs);
        if (typeof req.focus === 'string') {
          await frame.locator(req.focus).first().focus({ timeout: timeoutMs });
          await takeScreenshot();
          const keys = Array.isArray(req.keys) ? req.keys.map(String) : [];
          for (const key of keys) await page.keyboard.press(key);
          if (keys.length) log(`pressed ${keys.join(', ')} in a webview`);
        } else await takeScreenshot();
        if (req.read === false) return;
        // These functions run in the page, which is why each spells out the reading (nothing is shared with Node).
        const elements = await frame.locator(String(req.select)).evaluateAll((els: PageElement[]) =>
          els.map((el) => ({
            tag: el.tagName.toLowerCase(),
            text: el.textContent ?? '',
            attributes: Object.fromEntries(Array.from(el.attributes, (a) => [a.name, a.value])),
          })),
        );
        const active = await frame.locator(':root').evaluate((root: PageElement) => {
          const el = root.ownerDocument.activeElement;
          if (!el || el === root || el === root.ownerDocument.body) return null;
          return { tag: el.tagName.toLowerCase(), text: el.textContent ?? '', attributes: Object.fromEntries(Array.from(el.attributes, (a) => [a.name, a.value])) };
        });
        const answer: WebviewAnswer = { elements, active };
        return JSON.stringify(answer);
      }
      default:
        throw new Error(`unknown UI action "${String(req.action)}"`);
    }
  }
}

/**
 * The page of the first webview with an element matching `select`. The workbench shows a webview in an
 * `iframe.webview`, whose page holds the extension's page in `#active-frame`.
 */
async function webviewWith(page: Page, select: string, timeoutMs: number): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outer = page.locator('iframe.webview');
    for (let i = 0, n = await outer.count(); i < n; i++) {
      const inner = outer.nth(i).contentFrame().locator('#active-frame').contentFrame();
      if ((await inner.locator(select).count()) > 0) return inner;
    }
    if (Date.now() > deadline) throw new Error(`no webview with an element "${select}" within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The visible button labelled exactly `label`: a modal dialog's first, then a notification's, then any. */
async function findButton(page: Page, label: string, timeoutMs: number): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const scope of ['.monaco-dialog-box', '.notifications-toasts', 'body']) {
      const buttons = page.locator(scope).getByRole('button', { name: label, exact: true });
      for (let i = 0, n = await buttons.count(); i < n; i++) {
        if (await buttons.nth(i).isVisible()) return buttons.nth(i);
      }
    }
    if (Date.now() > deadline) throw new Error(`no visible button labelled "${label}" within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Drags the sash on the right edge of the primary side bar, so descriptions are readable. */
async function setSidebarWidth(page: Page, width: number, timeoutMs: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox({ timeout: timeoutMs });
  if (!box) throw new Error('the side bar is not visible');
  const edge = box.x + box.width;
  // The sash is a separate element over the edge: pick the vertical one closest to it.
  let sash: { x: number; y: number; width: number; height: number } | null = null;
  let best = Infinity;
  for (const handle of await page.locator('.monaco-sash.vertical').all()) {
    const b = await handle.boundingBox();
    if (b && b.height > box.height / 2 && Math.abs(b.x + b.width / 2 - edge) < best) {
      best = Math.abs(b.x + b.width / 2 - edge);
      sash = b;
    }
  }
  if (!sash || best > 10) throw new Error('no sash found on the side bar edge');
  const x = sash.x + sash.width / 2;
  const y = sash.y + sash.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 20, y, { steps: 2 });
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
  const after = await page.locator('.part.sidebar').boundingBox();
  if (!after || Math.abs(after.width - width) > 30) throw new Error(`the side bar is ${after?.width} px wide after dragging`);
}
