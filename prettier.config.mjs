// Prettier, matching the code as it is written: single quotes, semicolons, trailing commas, two
// spaces, `(x) =>`, and a wide line. printWidth 175 is the width at which formatting src/ changes the
// fewest existing lines (measured over src/ with Prettier 3.10: 219 lines at 175, 225 at 176, 226 at 178,
// 254 at 160, 271 at 180, 408 at 200, 1075 at 120) while still breaking the very long ones. What is not
// formatted, and why: .prettierignore.
/** @type {import('prettier').Config} */
export default {
  printWidth: 175,
  singleQuote: true,
  semi: true,
  trailingComma: 'all',
  arrowParens: 'always',
  endOfLine: 'lf',
};
