// A node:test reporter for editors: one line per failed test, `<file>:<line>:<column>: error: <test> — <message>`,
// which .vscode/tasks.json's problem matcher turns into a problem at the failing line. It goes next to
// the spec reporter, not instead of it:
//   node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
//     --test-reporter=./scripts/problem-reporter.mjs --test-reporter-destination=stdout test/unit/x.test.ts
// The line is the first stack frame in the test file (tsx maps it to the .ts source); node:test's own
// location points into tsx's output, so it is only the fallback.
import path from 'node:path';

const oneLine = (text) => String(text).replace(/\s+/g, ' ').trim().slice(0, 400);

/** The file, line and column of the failure: a stack frame in the test's file, else node:test's location. */
function locate(data, error) {
  const stack = String(error?.stack ?? '');
  for (const match of stack.matchAll(/\(?((?:file:\/\/)?\/[^\s():]+):(\d+):(\d+)\)?$/gm)) {
    const file = match[1].replace(/^file:\/\//, '');
    if (file === data.file) return { file, line: match[2], column: match[3] };
  }
  return { file: data.file, line: data.line, column: data.column };
}

export default async function* problemReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { data } = event;
    const failure = data.details?.error;
    // A suite whose tests failed: the tests have their own lines.
    if (!data.file || failure?.failureType === 'subtestsFailed') continue;
    const error = failure?.cause ?? failure;
    const where = locate(data, error);
    yield `${path.relative(process.cwd(), where.file)}:${where.line}:${where.column}: error: ${oneLine(data.name)} — ${oneLine(error?.message ?? error)}\n`;
  }
}
