// Patches a live DOM subtree to look like a freshly built one, keeping every element whose key matches.
// The panel and the health view build their sections from scratch on each update (simple, text-only, see
// dom.ts), and this makes that cheap for the reader: the element that has keyboard focus, a text
// selection, an open <details> or a scroll position is the same node after the update, so streaming
// events never steal focus from a button (Cancel, Create Pull Request) or re-announce unchanged text.
import { currentClickHandler, setClickHandler, type Child } from './dom';

/** Attributes that are user state, not render output: never removed by a patch. */
const USER_STATE_ATTRIBUTES = new Set(['open']);

/**
 * The identity of a node among its siblings: tag plus the first of `data-key`, `data-testid` and the
 * data attributes that name a thing (run, file, step). Unkeyed siblings of one tag match in order.
 */
function keyOf(node: Node): string {
  if (!(node instanceof Element)) return `#${node.nodeType}`;
  const data = node instanceof HTMLElement ? node.dataset : {};
  return [node.tagName, data.key ?? '', data.testid ?? '', data.requestId ?? '', data.path ?? '', data.step ?? ''].join('|');
}

function syncAttributes(target: Element, source: Element): void {
  for (const { name } of [...target.attributes]) {
    if (!source.hasAttribute(name) && !USER_STATE_ATTRIBUTES.has(name)) target.removeAttribute(name);
  }
  for (const { name, value } of [...source.attributes]) {
    if (target.getAttribute(name) !== value) target.setAttribute(name, value);
  }
  // <progress value> and similar reflect attributes, but a form control's live value is a property.
  if (target instanceof HTMLProgressElement && source instanceof HTMLProgressElement) target.value = source.value;
}

/** Makes `target`'s children match `source`'s, reusing target children by key and in order. */
export function patchChildren(target: Node, children: readonly (Child | Node)[]): void {
  const sourceChildren = children.flatMap((child): Node[] =>
    child === false || child === null || child === undefined ? [] : [typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child],
  );
  const pool = new Map<string, Node[]>();
  for (const child of [...target.childNodes]) {
    const key = keyOf(child);
    const list = pool.get(key);
    if (list) list.push(child);
    else pool.set(key, [child]);
  }
  const wanted: Node[] = [];
  for (const source of sourceChildren) {
    const reused = pool.get(keyOf(source))?.shift();
    if (reused) {
      patchNode(reused, source);
      wanted.push(reused);
    } else {
      wanted.push(source);
    }
  }
  for (const leftovers of pool.values()) for (const node of leftovers) node.parentNode?.removeChild(node);
  // Move only what is out of place: moving the focused node would blur it.
  let cursor: ChildNode | null = target.firstChild;
  for (const node of wanted) {
    if (node === cursor) {
      cursor = cursor.nextSibling;
      continue;
    }
    target.insertBefore(node, cursor);
  }
}

/** Patches `target` in place to match `source` (same key). `source` is consumed. */
export function patchNode(target: Node, source: Node): void {
  if (target.nodeType !== Node.ELEMENT_NODE) {
    if (target.nodeValue !== source.nodeValue) target.nodeValue = source.nodeValue;
    return;
  }
  const element = target as Element;
  const from = source as Element;
  syncAttributes(element, from);
  setClickHandler(element, currentClickHandler(from));
  patchChildren(element, [...from.childNodes]);
}
