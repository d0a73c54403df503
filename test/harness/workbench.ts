// Makes the workbench show what a user sees although it runs extension tests. With the smoke-test
// driver VS Code refuses modal dialogs (DialogService.skipDialogs(): prompt() throws "refused to show
// dialog in tests", confirm() answers yes unseen) and shows no notification toasts. Both checks are
// patched out of workbench.js as the browser loads it, so the tests see and answer the real UI.
// Kept apart because it depends on the minified code of one code-server version: each patch is
// checked, and one that no longer applies is reported, not fatal.
import type { BrowserContext } from 'playwright-core';
import { errorMessage, log } from './log';

interface Patch {
  what: string;
  find: RegExp;
  replace: string;
}

export const WORKBENCH_PATCHES: readonly Patch[] = [
  {
    // DialogService.skipDialogs(): prompt() throws and confirm() says yes without showing anything
    what: 'modal dialogs',
    find: /skipDialogs\(\)\{return [^{}]*?extensionTestsLocationURI\}(?=async confirm\()/,
    replace: 'skipDialogs(){return!1}',
  },
  {
    // NotificationsToasts.addToast(): no toasts at all with the smoke-test driver
    what: 'notification toasts',
    find: /(addToast\(\w+\)\{if\(!this\.isNotificationsCenterVisible&&)!this\.environmentService\.enableSmokeTestDriver&&/,
    replace: '$1',
  },
];

/** Applies the patches to `body`; returns the result and which patches applied. */
export function applyPatches(body: string, patches: readonly Patch[] = WORKBENCH_PATCHES): { body: string; applied: string[]; missing: string[] } {
  const applied: string[] = [];
  const missing: string[] = [];
  for (const p of patches) {
    if (p.find.test(body)) {
      body = body.replace(p.find, p.replace);
      applied.push(p.what);
    } else {
      missing.push(p.what);
    }
  }
  return { body, applied, missing };
}

/** Serves every page of `context` a patched workbench.js; says once what was patched. */
export async function patchWorkbench(context: BrowserContext): Promise<void> {
  let reported = false;
  await context.route(/\/out\/vs\/code\/browser\/workbench\/workbench\.js(\?.*)?$/, async (route) => {
    try {
      const response = await route.fetch();
      const { body, applied, missing } = applyPatches(await response.text());
      if (!reported) {
        reported = true;
        if (applied.length) log(`workbench.js patched: ${applied.join(' and ')} are shown during the tests`);
        if (missing.length) log(`WARNING: workbench.js patch not applicable (code-server version changed?): ${missing.join(' and ')} stay hidden`);
      }
      await route.fulfill({ response, body });
    } catch (e) {
      log(`workbench.js patch failed (${errorMessage(e)}); loading it unpatched`);
      await route.continue().catch(() => undefined);
    }
  });
}
