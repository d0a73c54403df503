// The retention picture's keyboard (src/extension/retention/picture): the marks in time order with a
// roving tabindex, the arrow keys, Home and End move between them, and the focused one's label is shown
// in the details line; "Show as text" asks the extension for the text preview.
const api = acquireVsCodeApi();
const marks = [...document.querySelectorAll('.marks .mark')].sort((a, b) => Number(a.dataset.time) - Number(b.dataset.time));
const details = document.getElementById('details');
let current = 0;
function move(i) {
  if (!marks.length) return;
  i = Math.max(0, Math.min(marks.length - 1, i));
  marks[current].setAttribute('tabindex', '-1');
  current = i;
  marks[i].setAttribute('tabindex', '0');
  marks[i].focus();
}
marks.forEach((mark, i) => {
  mark.addEventListener('focus', () => {
    if (current !== i) {
      marks[current].setAttribute('tabindex', '-1');
      current = i;
      mark.setAttribute('tabindex', '0');
    }
    details.textContent = mark.getAttribute('aria-label');
  });
  mark.addEventListener('click', () => move(i));
  mark.addEventListener('keydown', (e) => {
    const to = { ArrowLeft: i - 1, ArrowUp: i - 1, ArrowRight: i + 1, ArrowDown: i + 1, Home: 0, End: marks.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(to);
  });
});
if (marks.length) marks[0].setAttribute('tabindex', '0');
document.getElementById('as-text').addEventListener('click', () => api.postMessage({ type: 'showText' }));
