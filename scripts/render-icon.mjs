// Renders media/icon.svg (the source of the extension's icon) to media/icon.png, 128×128, with headless
// Chromium through playwright-core (the browser of the integration tests). Run after changing the SVG:
//   node scripts/render-icon.mjs [--size 32 --out /tmp/icon-32.png]   (other sizes: to look at it small)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { size: { type: 'string', default: '128' }, out: { type: 'string', default: 'media/icon.png' } } });
const size = Number(values.size);
const svg = readFileSync(new URL('../media/icon.svg', import.meta.url)).toString('base64');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(
    `<body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${svg}" width="${size}" height="${size}" style="display:block"></body>`,
  );
  await page.screenshot({ path: values.out, omitBackground: true });
  console.log(`${values.out}: ${size}×${size}`);
} finally {
  await browser.close();
}
